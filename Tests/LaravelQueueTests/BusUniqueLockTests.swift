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

/// Unique-job lock keys per Laravel release (checked against the keys in the captured MONITOR traces) and
/// XXH3-128 against PHP's `hash('xxh128')` (the v12.54+ displayName rule).
final class BusUniqueLockTests: XCTestCase {
    struct Handler: UniqueJobHandler, QueueableJobHandler {
        var name: String?
        func handle(_ context: JobContext) async throws {}
        func uniqueId(for command: PHPObject) -> String { command["accountId"]?.stringValue ?? "" }
        func displayName(for command: PHPObject) -> String? { name }
    }

    private let command = PHPObject(className: "App\\Jobs\\UniqueJob", properties: [
        PHPProperty(name: "uniqueFor", value: .int(60)), PHPProperty(name: "accountId", value: .string("acc_unique_1")),
    ])

    func testKeysMatchTheCapturedTraces() throws {
        for (directory, version) in BusChainTests.versions {
            let trace = String(decoding: try TestEnvironment.fixture("\(directory)/monitor-push-unique.txt"), as: UTF8.self)
            let key = UniqueLock(version: version).key(for: command, handler: Handler())
            // MONITOR escapes each backslash once more.
            XCTAssertTrue(trace.contains(key.replacingOccurrences(of: "\\", with: "\\\\") + "\""), "\(directory): \(key)")
        }
    }

    func testDisplayNameRules() {
        let handler = Handler(name: "Nightly import")
        XCTAssertEqual(UniqueLock(version: LaravelVersion(12, 40)).key(for: command, handler: handler),
                       "laravel_unique_job:App\\Jobs\\UniqueJob:acc_unique_1")
        XCTAssertEqual(UniqueLock(version: LaravelVersion(12, 41)).key(for: command, handler: handler),
                       "laravel_unique_job:Nightly import:acc_unique_1")
        let hashed = UniqueLock(version: LaravelVersion(12, 54)).key(for: command, handler: handler)
        XCTAssertEqual(hashed, "laravel_unique_job:" + XXH3.hash128Hex(Array("Nightly import".utf8)) + ":acc_unique_1")
        XCTAssertEqual(UniqueLock(version: .v13).key(for: command, handler: Handler()),
                       "laravel_unique_job:App\\Jobs\\UniqueJob:acc_unique_1", "no displayName(): class name")
    }

    func testDefaultUniqueIdAndUniqueForReadTheProperties() {
        struct Plain: UniqueJobHandler { func handle(_ context: JobContext) async throws {} }
        let object = PHPObject(className: "J", properties: [
            PHPProperty(name: "uniqueId", value: .int(42)), PHPProperty(name: "uniqueFor", value: .int(30)),
        ])
        XCTAssertEqual(Plain().uniqueId(for: object), "42")
        XCTAssertEqual(Plain().uniqueFor(for: object), 30)
        XCTAssertEqual(Plain().uniqueId(for: PHPObject(className: "J")), "")
        XCTAssertFalse(Plain().uniqueUntilProcessing)
    }

    /// The reference vectors (xxHash's own, and PHP's `hash('xxh128', …)`): canonical byte order, lowercase.
    func testXXH3KnownVectors() {
        XCTAssertEqual(XXH3.hash128Hex([]), "99aa06d3014798d86001c324468d497f")
        XCTAssertEqual(XXH3.hash128Hex(Array("abc".utf8)), "06b05ab6733a618578af5f94892f3950")
    }

    /// Every XXH3 length class (0, 1–3, 4–8, 9–16, 17–128, 129–240, > 240 with several blocks).
    func testXXH3MatchesPHP() throws {
        let lengths = Array(0...260) + [511, 1024, 1025, 2048, 3000]
        let inputs = lengths.map { n in (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) } }
        let code = #"while (($l = fgets(STDIN)) !== false) { echo hash('xxh128', hex2bin(trim($l))), "\n"; }"#
        let stdin = inputs.map { $0.map { String(format: "%02x", $0) }.joined() + "\n" }.joined()
        let php = try ProcessRunner.phpCode(code, stdin: Array(stdin.utf8)).stdoutText.split(separator: "\n").map(String.init)
        XCTAssertEqual(php.count, inputs.count)
        for (i, input) in inputs.enumerated() where i < php.count {
            XCTAssertEqual(XXH3.hash128Hex(input), php[i], "length \(input.count)")
        }
    }
}
