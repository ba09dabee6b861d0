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

/// MONITOR diff: for push, later, pop + delete, pop + release and the blocking wait, the Redis commands Shuttle
/// issues (including those its scripts run) equal Laravel 8's — keys with their prefix, database, command names,
/// members and payload bytes — under every prefix style and in database 3 (spec §1.3, §10 #18, #19).
final class MonitorDiffTests: XCTestCase {
    private static let configurations: [(prefix: String?, database: Int)] = [
        ("laravel_database_", 0), ("laravel-database-", 0), ("", 0), (nil, 3),
    ]

    private var harnesses: [QueueOperationHarness] = []

    override func tearDown() async throws {
        for h in harnesses { await h.cleanup() }
        harnesses = []
    }

    /// Captures `php` then `swift` (after `reset`), normalizes both to the queue's commands and diffs them.
    private func assertSameTraffic(_ operation: String, prefix: String?, database: Int,
                                   reset: (QueueOperationHarness) async throws -> Void = { _ in },
                                   php: (QueueOperationHarness) throws -> Void,
                                   swift: (QueueOperationHarness) async throws -> Void,
                                   file: StaticString = #filePath, line: UInt = #line) async throws {
        let h = try await QueueOperationHarness.make(prefix: prefix, database: database)
        harnesses.append(h)
        try await reset(h)
        let phpTrace = try await MonitorRecorder.record(port: h.port) { try php(h) }
        _ = try await h.queue().clear()
        try await reset(h)
        let swiftTrace = try await MonitorRecorder.record(port: h.port) { try await swift(h) }

        let normalizer = MonitorNormalizer(marker: "queues:\(h.queueName)")
        let expected = normalizer.normalize(phpTrace), actual = normalizer.normalize(swiftTrace)
        XCTAssertFalse(expected.isEmpty, "\(operation): PHP's commands were captured", file: file, line: line)
        XCTAssertTrue(expected.allSatisfy { $0.database == database }, file: file, line: line)
        let differences = MonitorDiff.differences(php: expected, shuttle: actual)
        XCTAssertTrue(differences.isEmpty, "\(operation) with prefix \(h.prefix.debugDescription), db \(database):\n"
                      + differences.joined(separator: "\n"), file: file, line: line)
        let base = Array("\(h.prefix)queues:\(h.queueName)".utf8)
        let keys = actual.flatMap { $0.keys ?? [] }
        XCTAssertTrue(keys.allSatisfy { Array($0.prefix(base.count)) == base }, "every script KEY carries the prefix", file: file, line: line)
    }

    /// The same job bytes staged on the ready list (with its token) before each side's pop.
    private func stage(_ element: [UInt8]) -> (QueueOperationHarness) async throws -> Void {
        { h in
            _ = try await h.raw.send(.rpush(h.base, [element]))
            _ = try await h.raw.send(.rpush(h.base + ":notify", ["1"]))
        }
    }

    func testPush() async throws {
        for (prefix, database) in Self.configurations {
            let payload = try InteropProbe.payload(record: "rec")
            try await assertSameTraffic("push", prefix: prefix, database: database,
                php: { try $0.dispatch("probe", ["--json", #"{"record":"rec"}"#]) },
                swift: { try await $0.queue().pushRaw(payload.rawBytes) })
        }
    }

    /// Laravel 8's plain `ZADD :delayed now+30 payload` (Shuttle's `laterUsesScript` off).
    func testLater() async throws {
        for (prefix, database) in Self.configurations {
            let payload = try InteropProbe.payload(record: "rec", delay: 30)
            try await assertSameTraffic("later", prefix: prefix, database: database,
                php: { try $0.dispatch("probe", ["--json", #"{"record":"rec"}"#, "--delay", "30"]) },
                swift: { try await $0.queue().laterRaw(payload.rawBytes, delay: 30) })
        }
    }

    /// Laravel's pop (migrate ×2, pop script) then `RedisJob::delete` (ZREM of the reserved bytes).
    func testPopAndDelete() async throws {
        for (prefix, database) in Self.configurations {
            let element = try InteropProbe.payload(record: "é/\u{0}").rawBytes
            try await assertSameTraffic("pop+delete", prefix: prefix, database: database, reset: stage(element),
                php: { try $0.php("$job = $queue->pop(); $job->delete();") },
                swift: { h in
                    let queue = h.queue()
                    try await queue.migrate()
                    let popped = try await queue.pop()
                    let job = try XCTUnwrap(popped.jobs.first)
                    try await queue.delete(job)
                })
        }
    }

    /// Laravel's pop then `RedisJob::release(7)` (the release script: ZREM reserved, ZADD delayed now+7).
    func testPopAndRelease() async throws {
        for (prefix, database) in Self.configurations {
            let element = try InteropProbe.payload(record: "rec").rawBytes
            try await assertSameTraffic("pop+release", prefix: prefix, database: database, reset: stage(element),
                php: { try $0.php("$job = $queue->pop(); $job->release(7);") },
                swift: { h in
                    let queue = h.queue()
                    try await queue.migrate()
                    let popped = try await queue.pop()
                    let job = try XCTUnwrap(popped.jobs.first)
                    try await queue.release(job, delay: 7)
                })
        }
    }

    /// `block_for` 1 on an empty queue: migrate ×2, an empty pop, then BLPOP on the notify key with timeout 1.
    func testEmptyPopThenBlockingWait() async throws {
        let (prefix, database) = ("laravel_database_", 0)
        try await assertSameTraffic("blocking pop", prefix: prefix, database: database,
            php: { h in
                var environment = h.environment
                environment["QUEUE_BLOCK_FOR"] = "1"
                environment["SHUTTLE_BOOTSTRAP"] = QueueOperationHarness.scripts.appendingPathComponent("bootstrap.php").path
                try ProcessRunner.phpCode("$app = require getenv('SHUTTLE_BOOTSTRAP'); var_dump($app['queue']->connection('redis')->pop());",
                                          environment: environment)
            },
            swift: { h in
                let queue = h.queue(blockFor: 1)
                try await queue.migrate()
                let popped = try await queue.pop()
                XCTAssertTrue(popped.isEmpty)
                let woke = try await queue.waitForNotification(timeout: 1)
                XCTAssertFalse(woke)
            })
    }
}
