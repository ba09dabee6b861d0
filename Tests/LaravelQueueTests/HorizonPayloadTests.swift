import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import Redis
import TestSupport
import XCTest

/// Spec §10 #34: payloads Horizon pushed (id = uuid, `tags`, string `pushedAt`, `silenced`, and the
/// `"delay":null` of a v5.33.5 `later()` on Laravel 12.11+) decode the same before and after the pop
/// script's cjson re-encoding.
final class HorizonPayloadTests: XCTestCase {
    private var bed: HorizonTestBed!

    override func setUp() async throws { bed = try await HorizonTestBed.make() }
    override func tearDown() async throws { await bed.cleanup() }

    private static var fixtures: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: TestEnvironment.fixtures.appendingPathComponent("queue").path)
                .filter { $0.hasSuffix(".payload.json") }.map { String($0.dropLast(".payload.json".count)) }.sorted()
        }
    }

    /// `"delay":null` after `attempts`, where Laravel 12.11+ puts it and Horizon before PR #1759 leaves it null.
    private static func withNullDelay(_ text: String) -> String {
        text.replacingOccurrences(of: "\"attempts\":0,", with: "\"attempts\":0,\"delay\":null,")
    }

    func testHorizonPayloadsDecodeTheSameBeforeAndAfterThePop() async throws {
        let names = try Self.fixtures
        XCTAssertEqual(names.count, 5)
        for name in names {
            for edit in [{ (s: String) in s }, Self.withNullDelay] {
                let bytes = try HorizonTestBed.payload(name, edit: edit)
                let original = try Payload(bytes: bytes)
                let job = try await bed.pushAndPop(name, edit: edit)
                XCTAssertEqual(job.rawBody, bytes, name)
                let reserved = try Payload(bytes: job.reserved)
                let label = "\(name), delay key: \(original.json.contains("delay"))"

                for payload in [original, reserved] {
                    XCTAssertEqual(payload.uuid, payload.id, label)
                    XCTAssertEqual(payload.horizonId, payload.uuid, label)
                    XCTAssertEqual(payload.horizonType, "job", label)
                    XCTAssertEqual(payload.silenced, false, label)
                    XCTAssertEqual(payload.pushedAt, "1756848600.123456", label)
                    XCTAssertNil(payload.delay, label)
                    XCTAssertEqual(payload.displayName, payload.commandName, label)
                }
                XCTAssertEqual(reserved.tags, original.tags, label)
                XCTAssertEqual(original.attempts, 0, label)
                XCTAssertEqual(reserved.attempts, 1, label)
                XCTAssertEqual(job.attempts, 1, label)
                XCTAssertEqual(reserved.json.contains("delay"), original.json.contains("delay"), label)
                XCTAssertEqual(reserved.json["pushedAt"], original.json["pushedAt"], "\(label): still a string after cjson")
            }
        }
    }

    /// cjson writes an empty `tags` list as `{}`: it must still read as no tags.
    func testEmptyTagsReadAsEmptyAfterCjson() async throws {
        let job = try await bed.pushAndPop("check-integration-updates")
        XCTAssertTrue(job.reserved.starts(with: Array("{".utf8)))
        XCTAssertTrue(String(decoding: job.reserved, as: UTF8.self).contains("\"tags\":{}"))
        XCTAssertEqual(try Payload(bytes: job.reserved).tags, [])
        XCTAssertEqual(job.payload.tags, [])
        let tagged = try await bed.pushAndPop("monzo-transaction-pull")
        XCTAssertEqual(try Payload(bytes: tagged.reserved).tags, ["App\\Models\\Integration:1ee00000-0000-4000-8000-0000000000t1"])
    }
}
