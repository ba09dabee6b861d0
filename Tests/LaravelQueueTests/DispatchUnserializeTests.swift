import Foundation
import PHPSerialization
import TestSupport
import XCTest
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe

/// Spec §10 #25: PHP's `unserialize` accepts every command Swift dispatches, for every major, including the
/// SerializesModels forms that omit default-valued properties (v9.4+). Only Laravel 8 is installed, so the job
/// classes are unknown to this PHP: it yields `__PHP_Incomplete_Class` objects, which must hold the class name
/// and every property and re-serialize to the very same bytes.
final class DispatchUnserializeTests: XCTestCase {
    private func commands(_ version: LaravelVersion) throws -> [(String, [UInt8])] {
        let appKey = "base64:" + Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let encrypter = try Encrypter(appKey: appKey)
        let dispatcher = Dispatcher(encrypter: encrypter)
        let jobs: [(String, PendingJob)] = [
            ("model", try PendingJob(className: "App\\Jobs\\Pull", propertiesJSON: #"{"*integration":{"@model":"App\\Models\\Integration","id":7,"connection":"pgsql","relations":["user"]},"-note":"é"}"#,
                                     queue: "pull", delay: 30, version: version)),
            ("collection", try PendingJob(className: "App\\Jobs\\Many", propertiesJSON: #"{"users":{"@model":"App\\Models\\User","id":[1,2,3]},"none":{"@model":null,"id":[]}}"#, version: version)),
            ("plain", try PendingJob(className: "App\\Jobs\\Plain", propertiesJSON: #"{"title":"x","*map":{"a":[1.5,null,true]},"-n":-1}"#,
                                     version: version, shape: .serializesModels)),
            ("native", try PendingJob(className: "App\\Jobs\\Bare", propertiesJSON: #"{"title":"x","*map":{"7":"seven"}}"#, connection: "redis", version: version)),
            ("probe", ProbeDispatch(sleep: 0.25, failAttempts: 1, record: "rec", tries: 3, backoff: .list([1, 2]), timeout: 9).pendingJob(queue: "q", version: version)),
        ]
        var out: [(String, [UInt8])] = []
        for (name, job) in jobs {
            out.append((name, try dispatcher.serializedCommand(job)))
            var encrypted = job
            encrypted.encrypted = true
            let payload = try XCTUnwrap(try dispatcher.payloads(for: encrypted).first)
            out.append((name + "-decrypted", try encrypter.decryptCommand(try XCTUnwrap(payload.command))))
        }
        return out
    }

    func testPHPUnserializesEveryDispatchedCommandOfEveryMajor() throws {
        let php = #"""
            $out = [];
            foreach (json_decode(stream_get_contents(STDIN), true) as $name => $b64) {
                $bytes = base64_decode($b64);
                $o = @unserialize($bytes);
                $props = $o === false ? [] : (array) $o;
                $out[$name] = [
                    'ok' => $o !== false,
                    'incomplete' => $o instanceof __PHP_Incomplete_Class,
                    'class' => $props['__PHP_Incomplete_Class_Name'] ?? null,
                    'count' => count($props) - 1,
                    'same' => $o !== false && serialize($o) === $bytes,
                ];
            }
            echo json_encode($out);
            """#
        for version in [LaravelVersion.v8, .v9, .v10, .v11, .v12, .v12_67, .v13] {
            let commands = try commands(version)
            var input: [String: String] = [:]
            for (name, bytes) in commands { input[name] = Data(bytes).base64EncodedString() }
            let result = try ProcessRunner.phpCode(php, stdin: [UInt8](try JSONSerialization.data(withJSONObject: input)))
            let answers = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: [String: Any]], result.stderrText)
            for (name, bytes) in commands {
                let answer = try XCTUnwrap(answers[name], "\(version) \(name)")
                let command = try JobCommand(serialized: bytes)
                XCTAssertEqual(answer["ok"] as? Bool, true, "\(version) \(name)")
                XCTAssertEqual(answer["incomplete"] as? Bool, true, "\(version) \(name)")
                XCTAssertEqual(answer["class"] as? String, command.className, "\(version) \(name)")
                XCTAssertEqual(answer["count"] as? Int, command.properties.count, "\(version) \(name)")
                XCTAssertEqual(answer["same"] as? Bool, true, "\(version) \(name)")
            }
            // SerializesModels from v9.4: the framework traits' defaults are left out, and PHP accepts that.
            let model = try JobCommand(serialized: try XCTUnwrap(commands.first { $0.0 == "model" }?.1))
            XCTAssertEqual(model["chained"] == nil, version.serializesModelsOmitsDefaults, "\(version)")
            XCTAssertEqual(model.queue, "pull")
            XCTAssertEqual(model.delay, .int(30))
            XCTAssertEqual(model.model("integration")?.connection, "pgsql")
        }
    }
}
