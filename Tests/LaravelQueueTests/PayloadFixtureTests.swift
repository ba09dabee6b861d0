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

/// Every captured payload (Laravel 8–13, as pushed and as re-encoded by cjson) and the app's own jobs.
final class PayloadFixtureTests: XCTestCase {
    static let versionDirectories = ["laravel8", "laravel9", "laravel10", "laravel11", "laravel12", "laravel12.67", "laravel13"]

    /// `dir/file.json` paths of every payload fixture.
    static func payloadFixtures() throws -> [String] {
        var paths: [String] = []
        for dir in versionDirectories {
            let names = try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.fixtures.appendingPathComponent(dir).path)
            paths += names.filter { $0.hasSuffix(".json") && $0 != "index.json" }.sorted().map { "\(dir)/\($0)" }
        }
        let queue = try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.fixtures.appendingPathComponent("queue").path)
        paths += queue.filter { $0.hasSuffix(".payload.json") }.sorted().map { "queue/\($0)" }
        return paths
    }

    /// Written by the pop script (Lua cjson), not by PHP.
    static func isCjson(_ path: String) -> Bool {
        [".reserved.json", ".reserved2.json", ".released.json", ".failed.json"].contains { path.hasSuffix($0) }
    }

    /// The flags PHP used: the framework's JSON_UNESCAPED_UNICODE, or plain json_encode for queue:retry and Horizon.
    static func phpOptions(_ path: String) -> JSONWriter.Options {
        path.hasPrefix("queue/") || path.hasSuffix(".retried.json") ? .plain : .laravelPayload
    }

    /// Fixture bytes without the trailing newline the hand-made `queue/` files end with.
    static func bytes(_ path: String) throws -> [UInt8] {
        var b = try TestEnvironment.fixture(path)
        if path.hasPrefix("queue/"), b.last == 0x0A { b.removeLast() }
        return b
    }

    func testThereAreFixtures() throws {
        let all = try Self.payloadFixtures()
        XCTAssertGreaterThan(all.count, 200)
        XCTAssertTrue(all.contains("laravel8/closure.reserved.json"))
        XCTAssertTrue(all.contains("laravel8/fails.retried.json"))
        XCTAssertTrue(all.contains("queue/monzo-transaction-data.payload.json"))
    }

    func testEveryFixtureDecodes() throws {
        for path in try Self.payloadFixtures() {
            let payload = try Payload(bytes: Self.bytes(path))
            XCTAssertNotNil(payload.uuid, path)
            XCTAssertNotNil(payload.id, path)
            XCTAssertNotNil(payload.displayName, path)
            XCTAssertEqual(payload.job, "Illuminate\\Queue\\CallQueuedHandler@call", path)
            XCTAssertNotNil(payload.attempts, path)
            let commandName = try XCTUnwrap(payload.commandName, path)
            switch try CommandDecoder.decode(payload) {
            case .serialized(let command):
                XCTAssertFalse(path.contains("encrypted"), path)
                XCTAssertEqual(command.className, commandName, path)
                XCTAssertEqual(PHPSerializer.serialize(.object(command.object)), command.serialized, "re-serialized command of \(path)")
            case .encrypted(let text):
                XCTAssertTrue(path.contains("encrypted"), path)
                XCTAssertTrue(text.hasPrefix("eyJpdiI6"), path)
                XCTAssertTrue(payload.isCommandEncrypted)
            }
            let version = path.split(separator: "/")[0]
            if version == "laravel12" || version == "laravel12.67" || version == "laravel13" {
                XCTAssertNotNil(payload.createdAt, path)
                XCTAssertNotNil(payload.json["delay"], path)
            }
            if version == "laravel13" { XCTAssertNotNil(payload.deleteWhenMissingModels, path) }
            if version == "laravel12.67" || version == "laravel13" { XCTAssertNotNil(payload.data?["batchId"], path) }
        }
    }

    func testReEncodingReproducesTheBytes() throws {
        for path in try Self.payloadFixtures() {
            let bytes = try Self.bytes(path)
            let payload = try Payload(bytes: bytes)
            XCTAssertEqual(payload.rawBytes, bytes, path)
            // cjson escapes strings exactly like JSON_UNESCAPED_UNICODE, so its output reproduces too.
            let options = Self.isCjson(path) ? JSONWriter.Options.laravelPayload : Self.phpOptions(path)
            let encoded = try JSONWriter.encode(payload.json, options: options)
            XCTAssertEqual(String(decoding: encoded, as: UTF8.self), String(decoding: bytes, as: UTF8.self), path)
        }
    }

    /// (original, its copy after the pop script) pairs: attempts + 1, everything else equal.
    func testReservedCopiesHaveOneMoreAttemptAndTheSameFields() throws {
        var pairs: [(String, String)] = []
        for path in try Self.payloadFixtures() where path.hasSuffix(".reserved.json") {
            pairs.append((path.replacingOccurrences(of: ".reserved.json", with: ".json"), path))
        }
        for dir in Self.versionDirectories {
            pairs.append(("\(dir)/fails.released.json", "\(dir)/fails.reserved2.json"))
            pairs.append(("\(dir)/release.released.json", "\(dir)/release.reserved2.json"))
        }
        XCTAssertGreaterThan(pairs.count, 80)
        for (originalPath, reservedPath) in pairs {
            let original = try Payload(bytes: Self.bytes(originalPath))
            let reserved = try Payload(bytes: Self.bytes(reservedPath))
            XCTAssertEqual(reserved.attempts, try XCTUnwrap(original.attempts) + 1, reservedPath)
            var a = original.json, b = reserved.json
            a["attempts"] = nil
            b["attempts"] = nil
            XCTAssertEqual(Self.unordered(.object(a)), Self.unordered(.object(b)), reservedPath)
        }
    }

    func testReleasedAndFailedCopiesAreTheReservedBytes() throws {
        for dir in Self.versionDirectories {
            XCTAssertEqual(try Self.bytes("\(dir)/fails.released.json"), try Self.bytes("\(dir)/fails.reserved.json"), dir)
            XCTAssertEqual(try Payload(bytes: Self.bytes("\(dir)/fails.failed.json")).attempts, 1, dir)
        }
    }

    /// Keys sorted, `{}` read as `[]`: equality as PHP's `json_decode(…, true)` would see it.
    static func unordered(_ value: JSONValue) -> JSONValue {
        switch value.phpRoundTripped {
        case .object(let o):
            return .object(JSONObject(o.members.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: unordered($0.value)) }))
        case .array(let a): return .array(a.map(unordered))
        case let v: return v
        }
    }

    /// `queue:retry` (v8 capture): failed cjson payload → attempts 0, plain json_encode, same key order.
    func testQueueRetryReproducesTheCapturedRetry() throws {
        let failed = try Payload(bytes: Self.bytes("laravel8/fails.failed.json"))
        let retried = try Self.bytes("laravel8/fails.retried.json")
        XCTAssertEqual(try failed.forQueueRetry().rawText, String(decoding: retried, as: UTF8.self))
        XCTAssertEqual(try failed.withAttempts(0).rawBytes, retried)
        XCTAssertGreaterThan(retried.count, failed.rawBytes.count, "non-ASCII became \\u escapes")
    }

    func testMutationKeepsUnknownFieldsAndTheirPlace() throws {
        for dir in ["laravel11", "laravel12", "laravel13"] {
            let unique = try Payload(bytes: Self.bytes("\(dir)/unique.json"))
            let context = try XCTUnwrap(unique["illuminate:log:context"])
            let bumped = try unique.withAttempts(3, options: .laravelPayload)
            XCTAssertEqual(bumped.json.keys, unique.json.keys)
            XCTAssertEqual(bumped["illuminate:log:context"], context)
            XCTAssertEqual(bumped.attempts, 3)
            // Only the attempts digit differs from PHP's own bytes.
            XCTAssertEqual(bumped.rawText, unique.rawText.replacingOccurrences(of: "\"attempts\":0", with: "\"attempts\":3"))
        }
        let reserved = try Payload(bytes: Self.bytes("laravel12/unique.reserved.json"))
        XCTAssertEqual(reserved["illuminate:log:context"]?["data"], .object(JSONObject()), "cjson wrote []")
        XCTAssertEqual(try reserved.withAttempts(0)["illuminate:log:context"]?["data"], .array([]), "PHP re-encodes it as []")

        var extra = try Payload(bytes: Self.bytes("laravel12/plain.json")).json
        extra["sentry_trace_parent_data"] = .string("00-abc-def-01")
        let withExtra = try Payload(encoding: extra)
        XCTAssertEqual(try Payload(bytes: withExtra.rawBytes).json["sentry_trace_parent_data"]?.stringValue, "00-abc-def-01")
    }

    func testTypedAccessors() throws {
        let tuned = try Payload(bytes: Self.bytes("laravel13/tuned.reserved.json"))
        XCTAssertEqual(tuned.maxTries, 5)
        XCTAssertEqual(tuned.maxExceptions, 2)
        XCTAssertTrue(tuned.failOnTimeout)
        XCTAssertEqual(tuned.backoff, "10,30,60")
        XCTAssertEqual(tuned.backoffSeconds, [10, 30, 60])
        XCTAssertEqual(tuned.timeout, 45)
        XCTAssertEqual(tuned.retryUntil, 1_795_987_744)
        XCTAssertEqual(tuned.deleteWhenMissingModels, true)
        XCTAssertEqual(tuned.attempts, 1)
        XCTAssertNil(tuned.delay)
        XCTAssertEqual(tuned.commandName, "App\\Jobs\\TunedJob")
        XCTAssertNil(tuned.batchId)

        let delayed = try Payload(bytes: Self.bytes("laravel12/delayed.reserved.json"))
        XCTAssertEqual(delayed.delay, 30)

        let v8 = try Payload(bytes: Self.bytes("laravel8/noop.json"))
        XCTAssertNil(v8.createdAt)
        XCTAssertNil(v8.deleteWhenMissingModels)
        XCTAssertFalse(v8.failOnTimeout)
        XCTAssertNil(v8.backoffSeconds)
    }

    func testTolerantNumbersAndBackoffShapes() throws {
        let p = try Payload(#"{"attempts":"2","maxTries":3.0,"timeout":1e+2,"backoff":5,"retryUntil":1.7959877440000e+09,"job":"x","data":{"commandName":"A","command":"O:1:\"A\":0:{}"},"tags":{},"pushedAt":1795981914.9726}"#)
        XCTAssertEqual(p.attempts, 2)
        XCTAssertEqual(p.maxTries, 3)
        XCTAssertEqual(p.timeout, 100)
        XCTAssertEqual(p.backoff, "5")
        XCTAssertEqual(p.backoffSeconds, [5])
        XCTAssertEqual(p.retryUntil, 1_795_987_744)
        XCTAssertEqual(p.tags, [])
        XCTAssertEqual(p.pushedAt, "1795981914.9726")
        XCTAssertEqual(try Payload(#"{"backoff":"10,abc,60"}"#).backoffSeconds, [10, 0, 60])
        XCTAssertNil(try Payload(#"{"backoff":null}"#).backoffSeconds)
    }

    func testHorizonFieldsBeforeAndAfterCjson() throws {
        let pushed = try Payload(bytes: Self.bytes("queue/monzo-transaction-pull.payload.json"))
        XCTAssertEqual(pushed.horizonType, "job")
        XCTAssertEqual(pushed.tags, ["App\\Models\\Integration:1ee00000-0000-4000-8000-0000000000t1"])
        XCTAssertEqual(pushed.silenced, false)
        XCTAssertEqual(pushed.pushedAt, "1756848600.123456")
        XCTAssertEqual(pushed.id, pushed.uuid)
        XCTAssertEqual(pushed.horizonId, pushed.uuid)
        // As the pop script would leave it: keys shuffled, [] → {}, attempts 1.
        let cjson = #"{"tags":{},"id":"u-1","silenced":false,"pushedAt":"1795981914.9726","type":"job","uuid":"u-1","delay":null,"attempts":1,"retry_of":"u-0","data":{"command":"O:1:\"A\":0:{}","commandName":"A"},"job":"Illuminate\\Queue\\CallQueuedHandler@call"}"#
        let reserved = try Payload(cjson)
        XCTAssertEqual(reserved.tags, [])
        XCTAssertEqual(reserved.retryOf, "u-0")
        XCTAssertEqual(reserved.attempts, 1)
        XCTAssertNil(reserved.delay)
    }

    func testModelIdentifiersInCommands() throws {
        let v8 = try command("laravel8/monzo-pull.json")
        let m8 = try XCTUnwrap(v8.model("integration"))
        XCTAssertEqual(m8, ModelIdentifier(modelClass: "App\\Models\\Integration", id: .string("3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f"), connection: "sqlite"))
        XCTAssertEqual(m8.phpValue(for: .v8), v8["integration"], "4 properties on v8")
        XCTAssertEqual(v8.queue, "pull")
        XCTAssertEqual(v8["tries"], .int(3))

        let rel = try command("laravel12/model-relations.json")
        let mr = try XCTUnwrap(rel.model("integration"))
        XCTAssertEqual(mr.relations, ["user"])
        XCTAssertNil(mr.collectionClass)
        XCTAssertEqual(mr.phpValue(for: .v12), rel["integration"], "5 properties from v9.26")
        XCTAssertEqual(rel.models.map(\.property), ["integration"])

        let app = try command("queue/monzo-transaction-data.payload.json")
        XCTAssertEqual(app.model("integration")?.relations, ["user", "group"])
        XCTAssertEqual(app.model("integration")?.connection, "pgsql")
        XCTAssertEqual(app["accountId"]?.stringValue, "acc_0000FAKE0000CURRENT0001")
        XCTAssertEqual(app.properties.first?.visibility, .protected)
        XCTAssertEqual(try TestEnvironment.fixture("queue/monzo-transaction-data.command.bin"), app.serialized)

        let plain = try command("laravel12/plain.json")
        XCTAssertEqual(plain.properties.map(\.visibility), [.public, .protected, .private(declaringClass: "App\\Jobs\\Plain")])
        XCTAssertNil(plain.queue)
        XCTAssertEqual(plain.chained, [])

        let chain = try command("laravel12/chain.json")
        XCTAssertEqual(chain.chainQueue, "pull")
        let next = try JobCommand(serialized: try XCTUnwrap(chain.chained.first))
        XCTAssertEqual(next.className, "App\\Jobs\\Data\\Monzo\\MonzoAccountData")
        XCTAssertEqual(next.queue, "fetch")

        let closure = try command("laravel8/closure.reserved.json")
        XCTAssertEqual(closure.className, "Illuminate\\Queue\\CallQueuedClosure")
        XCTAssertEqual(closure["deleteWhenMissingModels"], .bool(true))
    }

    func testEncryptedCommandsAndTheirPlaintext() throws {
        for dir in Self.versionDirectories {
            let payload = try Payload(bytes: Self.bytes("\(dir)/encrypted.json"))
            XCTAssertTrue(payload.isCommandEncrypted, dir)
            guard case .encrypted(let text) = try CommandDecoder.decode(payload) else { return XCTFail(dir) }
            XCTAssertEqual(text, payload.command)
            let plaintext = try TestEnvironment.fixture("\(dir)/encrypted.command-plaintext.txt")
            let job = try CommandDecoder.decode(plaintext: plaintext)
            XCTAssertEqual(job.className, "App\\Jobs\\EncryptedJob", dir)
            XCTAssertEqual(job["accessToken"]?.stringValue, "tok_peer_0123456789", dir)
            // The encrypter's own plaintext is serialize(serialize($job)): unwrapped too.
            let doubled = PHPSerializer.serialize(.string(plaintext))
            XCTAssertEqual(try CommandDecoder.decode(plaintext: doubled), job)
        }
    }

    private func command(_ path: String) throws -> JobCommand {
        guard case .serialized(let c) = try CommandDecoder.decode(Payload(bytes: Self.bytes(path))) else {
            throw CommandDecoder.Error.notASerializedObject
        }
        return c
    }
}
