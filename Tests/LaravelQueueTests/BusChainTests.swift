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

/// `ChainedJob.next` against what `dispatchNextJobInChain` pushed in every captured version: the next
/// command's bytes are PHP's, property order included (v8 rewrites values in place; v9.4+ SerializesModels
/// inserts the non-default chain properties where the trait declares them and leaves defaults out).
final class BusChainTests: XCTestCase {
    static let versions: [(String, LaravelVersion)] = [
        ("laravel8", .v8), ("laravel9", .v9), ("laravel10", .v10), ("laravel11", .v11),
        ("laravel12", .v12), ("laravel12.67", .v12_67), ("laravel13", .v13),
    ]

    private func command(_ path: String) throws -> JobCommand {
        let payload = try Payload(bytes: try TestEnvironment.fixture(path))
        guard case .serialized(let command) = try CommandDecoder.decode(payload) else {
            throw XCTSkip("unexpected encrypted command in \(path)")
        }
        return command
    }

    func testNextCommandIsTheOnePHPPushed() throws {
        for (directory, version) in Self.versions {
            let current = try command("\(directory)/chain.json")
            let expected = try command("\(directory)/chain.next.json")
            let next = try XCTUnwrap(try ChainedJob.next(after: current.object, version: version), directory)
            XCTAssertEqual(String(decoding: PHPSerializer.serialize(.object(next)), as: UTF8.self),
                           String(decoding: expected.serialized, as: UTF8.self), directory)
            XCTAssertNil(try ChainedJob.next(after: next, version: version), "\(directory): the chain ends with job 2")
        }
    }

    func testRemainingChainAndFallbacksFollowQueueable() throws {
        // Three jobs, the next one without queue or connection: it takes chainConnection/chainQueue and
        // carries the third job along (re-indexed from 0).
        let third = PHPSerializer.serialize(.object(probe(queue: .null)))
        let second = PHPSerializer.serialize(.object(probe(queue: .string(""))))
        var first = probe(queue: .string("q1"))
        first["chainConnection"] = .string("redis")
        first["chainQueue"] = .string("chained")
        first["chainCatchCallbacks"] = .array(PHPArray(list: [.string("closure")]))
        first["chained"] = .array(PHPArray(list: [.string(second), .string(third)]))

        let next = try XCTUnwrap(try ChainedJob.next(after: first, version: .v8))
        XCTAssertEqual(next["connection"], .string("redis"))
        XCTAssertEqual(next["queue"], .string("chained"), "'' is falsy for ?:")
        XCTAssertEqual(next["chainQueue"], .string("chained"))
        XCTAssertEqual(next["chainCatchCallbacks"], .array(PHPArray(list: [.string("closure")])))
        XCTAssertEqual(next["chained"], .array(PHPArray(list: [.string(third)])))
        XCTAssertEqual(next.properties.map(\.name), probe(queue: .null).properties.map(\.name), "order unchanged")

        let last = try XCTUnwrap(try ChainedJob.next(after: next, version: .v8))
        XCTAssertEqual(last["chained"], .array(PHPArray()))
        XCTAssertEqual(last["queue"], .string("chained"))
    }

    func testNotASerializedJobIsAnError() {
        var job = probe(queue: .null)
        job["chained"] = .array(PHPArray(list: [.string("not serialized")]))
        XCTAssertThrowsError(try ChainedJob.next(after: job, version: .v8))
    }

    func testOptionsComeFromPublicProperties() throws {
        let next = try command("laravel8/chain.next.json")
        let options = JobOptions(properties: next.object, now: 1_000)
        XCTAssertEqual(options, JobOptions(maxTries: 2, backoff: "120,300", timeout: 300))

        var job = probe(queue: .null)
        job["tries"] = .int(4)
        job["backoff"] = .array(PHPArray(list: [.int(5), .object(PHPObject(className: "Carbon\\Carbon", properties: [
            PHPProperty(name: "date", value: .string("1970-01-01 00:16:50.000000")),
            PHPProperty(name: "timezone_type", value: .int(3)), PHPProperty(name: "timezone", value: .string("UTC")),
        ]))]))
        job["failOnTimeout"] = .bool(true)
        job["retryUntil"] = .int(2_000)
        job.properties.append(PHPProperty(name: "maxExceptions", visibility: .protected, value: .int(9)))
        XCTAssertEqual(JobOptions(properties: job, now: 1_000),
                       JobOptions(maxTries: 4, failOnTimeout: true, backoff: "5,10", retryUntil: 2_000),
                       "DateTime backoff = seconds from now; protected properties are invisible to the queue")
    }

    /// `Shuttle\Jobs\Probe` as v8 serializes it (scripts/laravel/README.md).
    private func probe(queue: PHPValue) -> PHPObject {
        PHPObject(className: "Shuttle\\Jobs\\Probe", properties: [
            PHPProperty(name: "sleep", value: .double(0)), PHPProperty(name: "failAttempts", value: .int(0)),
            PHPProperty(name: "record", value: .null), PHPProperty(name: "tries", value: .null),
            PHPProperty(name: "backoff", value: .null), PHPProperty(name: "timeout", value: .null),
            PHPProperty(name: "failOnTimeout", value: .bool(false)), PHPProperty(name: "job", value: .null),
            PHPProperty(name: "connection", value: .null), PHPProperty(name: "queue", value: queue),
            PHPProperty(name: "chainConnection", value: .null), PHPProperty(name: "chainQueue", value: .null),
            PHPProperty(name: "chainCatchCallbacks", value: .null), PHPProperty(name: "delay", value: .null),
            PHPProperty(name: "afterCommit", value: .null), PHPProperty(name: "middleware", value: .array(PHPArray())),
            PHPProperty(name: "chained", value: .array(PHPArray())),
        ])
    }
}
