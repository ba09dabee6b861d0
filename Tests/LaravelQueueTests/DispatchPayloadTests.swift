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

/// `Dispatcher` builds, from a `PendingJob` written the way the CLI writes it (properties as JSON), the payloads
/// PHP pushed for the captured jobs of every major, byte for byte (per-run uuid, id, createdAt taken from the capture).
final class DispatchPayloadTests: XCTestCase {
    static let versions: [(dir: String, version: LaravelVersion)] = [
        ("laravel8", .v8), ("laravel9", .v9), ("laravel10", .v10), ("laravel11", .v11),
        ("laravel12", .v12), ("laravel12.67", .v12_67), ("laravel13", .v13),
    ]
    static let integration = #"{"@model":"App\\Models\\Integration","id":"3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f","connection":"sqlite"}"#
    static let monzoOverrides = PayloadOptionOverrides(tries: 3, backoff: [60, 300, 600], timeout: 120)

    private func capture(_ path: String) throws -> Payload { try Payload(bytes: TestEnvironment.fixture(path)) }

    private func identity(_ p: Payload) throws -> PayloadIdentity {
        PayloadIdentity(uuid: try XCTUnwrap(p.uuid), id: try XCTUnwrap(p.id), createdAt: p.createdAt ?? 0, pushedAt: "")
    }

    private func assertDispatches(_ path: String, _ job: PendingJob, file: StaticString = #filePath, line: UInt = #line) throws {
        let captured = try capture(path)
        let built = try Dispatcher().payload(for: job, identity: identity(captured))
        XCTAssertEqual(built.rawText, captured.rawText, path, file: file, line: line)
    }

    /// MonzoAccountPull as the CLI would describe it: on v8 every property is serialized, so the options are
    /// given as properties (and read back for the payload); from v9.4 they equal the class defaults and PHP omits
    /// them, so the payload options come from overrides.
    private func monzoAccountPull(_ version: LaravelVersion, relations: String = "", delay: Int? = nil) throws -> PendingJob {
        let model = relations.isEmpty ? Self.integration : Self.integration.replacingOccurrences(of: "}", with: #","relations":[\#(relations)]}"#)
        if version.serializesModelsOmitsDefaults {
            return try PendingJob(className: "App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull", propertiesJSON: #"{"*integration":\#(model)}"#,
                                  queue: "pull", delay: delay, overrides: Self.monzoOverrides, version: version)
        }
        return try PendingJob(className: "App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull",
                              propertiesJSON: #"{"timeout":120,"tries":3,"backoff":[60,300,600],"*integration":\#(model)}"#,
                              queue: "pull", delay: delay, version: version)
    }

    func testModelJobsOfEveryMajor() throws {
        for (dir, version) in Self.versions {
            let job = try monzoAccountPull(version)
            XCTAssertEqual(job.commandShape, .serializesModels, "automatic shape with a model property")
            try assertDispatches("\(dir)/\(dir == "laravel8" ? "monzo-pull" : "model").json", job)
            if dir != "laravel8" {
                try assertDispatches("\(dir)/model-relations.json", try monzoAccountPull(version, relations: #""user""#))
            }
        }
    }

    func testDelayedJobsOfEveryMajor() throws {
        for (dir, version) in Self.versions {
            let delay = dir == "laravel8" ? 5 : 30
            try assertDispatches("\(dir)/delayed.json", try monzoAccountPull(version, delay: delay))
        }
    }

    func testPlainJobsWithVisibilityMarkers() throws {
        let properties = #"{"title":"Daily report ✓","*secret":"sk_test\/42","-note":{"lang":"fr","text":"café \"crème\""}"#
        for (dir, version) in Self.versions where dir != "laravel8" {
            // SerializesModels omits `format`, still at its default 'pdf'.
            try assertDispatches("\(dir)/plain.json", try PendingJob(className: "App\\Jobs\\Plain", propertiesJSON: properties + "}",
                                                                     version: version, shape: .serializesModels))
            // Without the trait every property is written; no model, so the automatic shape is native.
            try assertDispatches("\(dir)/plain-bare.json", try PendingJob(className: "\\App\\Jobs\\BarePlain",
                                                                          propertiesJSON: properties + #","format":"pdf"}"#, version: version))
            // PHP's own mangled names mean the same.
            let mangled = try PendingJob(className: "App\\Jobs\\Plain",
                                         propertiesJSON: #"{"title":"Daily report ✓","\u0000*\u0000secret":"sk_test\/42","\u0000App\\Jobs\\Plain\u0000note":{"lang":"fr","text":"café \"crème\""}}"#,
                                         version: version, shape: .serializesModels)
            try assertDispatches("\(dir)/plain.json", mangled)
        }
    }

    func testTunedJobsTakeEveryPayloadOption() throws {
        for (dir, version) in Self.versions where dir != "laravel8" {
            let captured = try capture("\(dir)/tuned.json")
            let overrides = PayloadOptionOverrides(tries: 5, maxExceptions: 2, backoff: [10, 30, 60], timeout: 45, failOnTimeout: true,
                                                   retryUntil: captured.retryUntil, deleteWhenMissingModels: true)
            try assertDispatches("\(dir)/tuned.json", try PendingJob(className: "App\\Jobs\\TunedJob", propertiesJSON: #"{"reportId":4711}"#,
                                                                     overrides: overrides, version: version, shape: .serializesModels))
        }
    }

    func testFailingJobOptionsReadFromPublicProperties() throws {
        let captured = try capture("laravel8/fails.json")
        let job = try PendingJob(className: "App\\Jobs\\AlwaysFailsJob",
                                 propertiesJSON: #"{"tries":2,"backoff":1,"reason":"peer: this job always fails — ünïcødé ✓"}"#, version: .v8)
        XCTAssertEqual(try job.payloadOptions(), JobOptions(maxTries: 2, backoff: "1"))
        try assertDispatches("laravel8/fails.json", job)
        XCTAssertEqual(captured.maxTries, 2)
    }

    /// Swift's encrypted command decrypts to the command it serialized, which is the captured plaintext; the
    /// envelope around it is the captured payload.
    func testEncryptedJobsOfEveryMajor() throws {
        for (dir, version) in Self.versions {
            let appKey = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(TestEnvironment.fixture("\(dir)/index.json"))) as? [String: Any])?["app_key"] as? String)
            let encrypter = try Encrypter(appKey: appKey)
            let captured = try capture("\(dir)/encrypted.json")
            let job = try PendingJob(className: "App\\Jobs\\EncryptedJob", propertiesJSON: #"{"*accessToken":"tok_peer_0123456789"}"#,
                                     overrides: PayloadOptionOverrides(tries: 1), version: version, shape: .serializesModels, encrypted: true)
            let built = try Dispatcher(encrypter: encrypter).payload(for: job, identity: identity(captured))
            let command = try XCTUnwrap(built.command)
            XCTAssertTrue(command.hasPrefix("eyJpdiI6"), dir)
            let plaintext = try encrypter.decryptCommand(command)
            var expectedPlaintext = try TestEnvironment.fixture("\(dir)/encrypted.command-plaintext.txt")
            if !version.serializesModelsOmitsDefaults {
                // v8 writes `tries` too: it is a property there, not only a payload option.
                let v8 = try PendingJob(className: "App\\Jobs\\EncryptedJob", propertiesJSON: #"{"tries":1,"*accessToken":"tok_peer_0123456789"}"#,
                                        version: version, shape: .serializesModels, encrypted: true)
                XCTAssertEqual(try Dispatcher().serializedCommand(v8), expectedPlaintext, dir)
                expectedPlaintext = try Dispatcher().serializedCommand(job)
            }
            XCTAssertEqual(plaintext, expectedPlaintext, dir)
            var swapped = built.json
            swapped["data"] = .object(JSONObject(try XCTUnwrap(built.data?.objectValue?.members).map {
                $0.key == "command" ? JSONObject.Member(key: "command", value: .string(try XCTUnwrap(captured.command))) : $0
            }))
            XCTAssertEqual(String(decoding: try JSONWriter.encode(swapped, options: .laravelPayload), as: UTF8.self), captured.rawText, dir)
        }
        XCTAssertThrowsError(try Dispatcher().payloads(for: PendingJob(className: "A", encrypted: true))) {
            XCTAssertEqual($0 as? DispatchError, .encryptionNeedsAppKey)
        }
    }

    // MARK: PendingJob rules

    func testDelayAndCreatedAtFollowTheVersion() throws {
        let identity = PayloadIdentity(uuid: "u", id: "i", createdAt: 1_800_000_000, pushedAt: "")
        for version in [LaravelVersion.v8, .v12, .v13] {
            let p = try Dispatcher().payload(for: PendingJob(className: "App\\Jobs\\X", queue: "q", delay: 7, version: version), identity: identity)
            let command = try JobCommand(serialized: try XCTUnwrap(p.commandBytes))
            XCTAssertEqual(command.delay, .int(7), "\(version)")
            XCTAssertEqual(command.queue, "q")
            XCTAssertEqual(p.delay, version.payloadHasCreatedAtAndDelay ? 7 : nil, "\(version)")
            XCTAssertEqual(p.createdAt, version.payloadHasCreatedAtAndDelay ? 1_800_000_000 : nil)
            XCTAssertEqual(p.json.keys.contains("deleteWhenMissingModels"), version.major >= 13)
        }
        let immediate = try Dispatcher().payload(for: PendingJob(className: "X"), identity: identity)
        XCTAssertEqual(try JobCommand(serialized: try XCTUnwrap(immediate.commandBytes)).delay, .null)
        XCTAssertEqual(immediate["delay"], .null)
    }

    func testOnlyPublicPropertiesFeedThePayload() throws {
        let job = try PendingJob(className: "X", propertiesJSON: #"{"*tries":4,"-timeout":9,"backoff":[1,"2"],"maxExceptions":null,"retryUntil":1800000000}"#)
        XCTAssertEqual(try job.payloadOptions(), JobOptions(backoff: "1,2", retryUntil: 1_800_000_000))
        var overridden = job
        overridden.overrides = PayloadOptionOverrides(tries: 6, backoff: [3])
        XCTAssertEqual(try overridden.payloadOptions(), JobOptions(maxTries: 6, backoff: "3", retryUntil: 1_800_000_000))
        for bad in [#"{"tries":"3"}"#, #"{"failOnTimeout":1}"#, #"{"backoff":{"a":[1]}}"#, #"{"timeout":1.5}"#] {
            XCTAssertThrowsError(try PendingJob(className: "X", propertiesJSON: bad).payloadOptions(), bad) {
                guard case .invalidOption? = $0 as? DispatchError else { return XCTFail("\(bad): \($0)") }
            }
        }
    }

    func testModelMarkers() throws {
        let props = try PropertyJSON.properties(#"""
            {"*one":{"@model":"\\App\\Models\\User","id":7},
             "many":{"@model":"App\\Models\\User","id":[1,"b"],"relations":["posts","posts.comments"],"connection":"pgsql","collectionClass":"App\\Users"},
             "-none":{"@model":null,"id":[]}}
            """#, className: "X")
        XCTAssertEqual(props.map(\.name), ["one", "many", "none"])
        XCTAssertEqual(props.map(\.visibility), [.protected, .public, .private])
        XCTAssertEqual(props[0].value, .model(ModelIdentifier(modelClass: "App\\Models\\User", id: .int(7), connection: nil)))
        XCTAssertEqual(props[1].value, .model(ModelIdentifier(modelClass: "App\\Models\\User", id: .array(PHPArray(list: [.int(1), .string("b")])),
                                                              relations: ["posts", "posts.comments"], connection: "pgsql", collectionClass: "App\\Users")))
        XCTAssertEqual(props[2].value, .model(ModelIdentifier(modelClass: nil, id: .array(PHPArray()), connection: nil)))

        let v8 = try Dispatcher().serializedCommand(PendingJob(className: "X", properties: props, version: .v8))
        XCTAssertEqual(String(decoding: v8, as: UTF8.self).prefix(160), Substring(
            #"O:1:"X":\#(3 + 1 + LaravelVersion.v8.queueableProperties.count):{s:6:"\#0*\#0one";O:45:"Illuminate\Contracts\Database\ModelIdentifier":4:{s:5:"class";s:15:"App\Models\User";s:2:"id";i:7;s:9:"relations";a:0:{}s:10:"connection";N;}"#.prefix(160)))

        let invalid: [(String, (DispatchError) -> Bool)] = [
            (#"{"a":{"@model":"M"}}"#, { if case .invalidModel = $0 { true } else { false } }),
            (#"{"a":{"@model":"M","id":true}}"#, { if case .invalidModel = $0 { true } else { false } }),
            (#"{"a":{"@model":"M","id":1,"key":2}}"#, { if case .invalidModel = $0 { true } else { false } }),
            (#"{"a":{"@model":null,"id":[1]}}"#, { if case .invalidModel = $0 { true } else { false } }),
            (#"{"a":{"@model":7,"id":1}}"#, { if case .invalidModel = $0 { true } else { false } }),
            (#"{"a":{"@model":"M","id":1,"relations":"user"}}"#, { if case .invalidModel = $0 { true } else { false } }),
            (#"{"a":[{"@model":"M","id":1}]}"#, { $0 == .nestedModel(property: "a") }),
            (#"{"a":1,"a":2}"#, { $0 == .invalidPropertyName("a") }),
            (#"{"a":1,"*a":2}"#, { $0 == .invalidPropertyName("*a") }),
            (#"{"*":1}"#, { $0 == .invalidPropertyName("*") }),
            (#"{"\u0000Y\u0000a":1}"#, { if case .invalidPropertyName = $0 { true } else { false } }),
            (#"[1]"#, { if case .invalidPropertiesJSON = $0 { true } else { false } }),
            (#"{"a":"#, { if case .invalidPropertiesJSON = $0 { true } else { false } }),
        ]
        for (json, expected) in invalid {
            XCTAssertThrowsError(try PropertyJSON.properties(json, className: "X"), json) { error in
                XCTAssertTrue((error as? DispatchError).map(expected) ?? false, "\(json): \(error)")
            }
        }
        XCTAssertThrowsError(try Dispatcher().payloads(for: PendingJob(className: "X", properties: props, shape: .native))) {
            XCTAssertEqual($0 as? DispatchError, .modelWithoutSerializesModels(property: "one"))
        }
    }

    /// The JSON values become exactly what PHP's `json_decode($json, true)` gives (checked with php-cli).
    func testJSONValuesMatchPHPsJSONDecode() throws {
        let json = #"{"a":[1,-0,2.5,1e3,-0.0,12345678901234567890,"x\/y\u00e9",true,null,[]],"b":{"7":"seven","07":"oh-seven","k":{},"k":{"z":1},"-3":0,"x":{}},"c":1.0E+25,"d":0.1}"#
        let properties = try PropertyJSON.properties(json, className: "X")
        let object = PHPObject(className: "X", properties: properties.map {
            guard case .php(let v)? = $0.value else { return PHPProperty(name: $0.name, value: .null) }
            return PHPProperty(name: $0.name, value: v)
        })
        let php = try ProcessRunner.phpCode(#"$o = new stdClass; foreach (json_decode(stream_get_contents(STDIN), true) as $k => $v) { $o->$k = $v; } echo substr(serialize($o), strlen('O:8:"stdClass"'));"#,
                                            stdin: Array(json.utf8))
        let swift = PHPSerializer.serialize(.object(object))
        XCTAssertEqual(String(decoding: swift.dropFirst(#"O:1:"X""#.utf8.count), as: UTF8.self), php.stdoutText)
    }

    func testValidation() throws {
        XCTAssertThrowsError(try Dispatcher().payloads(for: PendingJob(className: "X", count: 0)))
        XCTAssertThrowsError(try Dispatcher().payloads(for: PendingJob(className: "X", delay: -1)))
        XCTAssertThrowsError(try Dispatcher().payloads(for: PendingJob(className: "\\")))
        let many = try Dispatcher().payloads(for: PendingJob(className: "X", count: 3))
        XCTAssertEqual(Set(many.compactMap(\.uuid)).count, 3)
        XCTAssertEqual(Set(many.compactMap(\.id)).count, 3)
        XCTAssertEqual(Set(many.compactMap(\.command)).count, 1)
    }

    // MARK: Probe

    func testProbePropertiesAndPayloadOptions() throws {
        let probe = ProbeDispatch(sleep: 1.5, failAttempts: 2, record: "rec:1", tries: 4, backoff: .list([1, 2]), timeout: 30, failOnTimeout: true)
        let job = probe.pendingJob(queue: "probes", version: .v13)
        XCTAssertEqual(job.className, "Shuttle\\Jobs\\Probe")
        XCTAssertEqual(job.commandShape, .native)
        XCTAssertEqual(try job.payloadOptions(), JobOptions(maxTries: 4, failOnTimeout: true, backoff: "1,2", timeout: 30))
        let command = try JobCommand(serialized: try Dispatcher().serializedCommand(job))
        XCTAssertEqual(command.properties.prefix(7).map(\.name), ["sleep", "failAttempts", "record", "tries", "backoff", "timeout", "failOnTimeout"])
        XCTAssertEqual(command["sleep"], .double(1.5))
        XCTAssertEqual(command.properties.count, 7 + 1 + LaravelVersion.v13.queueableProperties.count)
        XCTAssertEqual(try ProbeDispatch(backoff: .seconds(5)).pendingJob().payloadOptions().backoff, "5")
        XCTAssertEqual(ProbeDispatch.Backoff(parsing: "5"), .seconds(5))
        XCTAssertEqual(ProbeDispatch.Backoff(parsing: "1, 2,3"), .list([1, 2, 3]))
        XCTAssertEqual(ProbeDispatch.Backoff(parsing: "7,"), nil)
        XCTAssertEqual(ProbeDispatch.Backoff(parsing: "x"), nil)
        XCTAssertEqual(try ProbeDispatch().pendingJob().payloadOptions(), JobOptions())
    }
}
