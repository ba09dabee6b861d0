import Foundation
import XCTest

/// Both runtimes find the same keys: prefixes, database number, queue priority and delayed jobs
/// (§1, §10 #4, #18, #19, #21). PHP dispatches, Shuttle must see and run the jobs.
final class InteropKeysTests: InteropTestCase {
    /// §10 #18: an empty REDIS_PREFIX (a unique queue name keeps the test's keys apart).
    func testEmptyPrefix() throws {
        let tag = String(UUID().uuidString.prefix(8)).lowercased()
        prefix = ""
        environment["REDIS_PREFIX"] = ""
        cleanupPatterns = ["*\(tag)*"]
        try assertShuttleRunsAProbe(queue: "q_\(tag)", record: "rec_\(tag)")
        XCTAssertEqual(try redis("exists", "rec_\(tag)"), "1")
    }

    /// §10 #18: a hyphenated prefix, as `laravel-database-` (an APP_NAME slugged with `-`).
    func testHyphenatedPrefix() throws {
        prefix = "interop-\(UUID().uuidString.prefix(8).lowercased())-database-"
        environment["REDIS_PREFIX"] = prefix
        try assertShuttleRunsAProbe(queue: "default", record: "rec")
    }

    /// §10 #19: REDIS_DB=3 on both sides; nothing lands in database 0.
    func testRedisDatabaseThree() throws {
        redisDatabase = "3"
        environment["REDIS_DB"] = "3"
        try assertShuttleRunsAProbe(queue: "default", record: "rec")
        XCTAssertEqual(try redis("-n", "0", "eval", "return #redis.call('keys', ARGV[1])", "0", prefix + "*"), "0")
    }

    private func assertShuttleRunsAProbe(queue: String, record: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let job = try XCTUnwrap(try dispatch("probe", "--queue", queue, "--json", #"{"record":"\#(record)"}"#).first)
        XCTAssertEqual(try queueSizes(queue).ready, 1, "PHP pushed to \(prefix)queues:\(queue)", file: file, line: line)
        let shuttle = try startShuttle("s1", ["--queue", queue, "--stop-when-empty", "--sleep", "0.2"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr, file: file, line: line)
        XCTAssertEqual(try records(record).map(\.description), ["started#1@shuttle:s1", "ok#1@shuttle:s1"], file: file, line: line)
        XCTAssertEqual(try records(record).first?.uuid, job.uuid, file: file, line: line)
        let sizes = try queueSizes(queue)
        XCTAssertEqual([sizes.ready, sizes.delayed, sizes.reserved, sizes.notify], [0, 0, 0, 0], file: file, line: line)
    }

    /// §10 #21: `--queue high,low`: every `high` job is taken before any `low` one, whatever the push order.
    func testQueuePriority() throws {
        let low = try dispatch("probe", "--queue", "low", "--count", "3", "--json", #"{"record":"rec"}"#)
        let high = try dispatch("probe", "--queue", "high", "--count", "3", "--json", #"{"record":"rec"}"#)
        let shuttle = try startShuttle("s1", ["--queue", "high,low", "--stop-when-empty", "--sleep", "0.2"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)
        let started = try records("rec").filter { $0.outcome == "started" }.map(\.uuid)
        XCTAssertEqual(started, high.map(\.uuid) + low.map(\.uuid))
        try assertQueueEmpty("high")
        try assertQueueEmpty("low")
    }

    /// §10 #4: a PHP `later()` job waits in `:delayed` (no notify token) and is not started before its score.
    func testDelayedJobIsNotRunBeforeItIsDue() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--delay", "2", "--json", #"{"record":"rec"}"#).first)
        let sizes = try queueSizes()
        XCTAssertEqual([sizes.ready, sizes.delayed, sizes.notify], [0, 1, 0])
        let member = try redis("zrange", prefix + "queues:default:delayed", "0", "-1")
        let due = try XCTUnwrap(Double(try redis("zscore", prefix + "queues:default:delayed", member)))

        let shuttle = try startShuttle("s1", ["--sleep", "0.2"])
        try waitForRecord("rec", "the delayed job to run") { $0.outcome == "ok" }
        shuttle.send(SIGTERM)
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)

        let entries = try records("rec")
        XCTAssertEqual(entries.map(\.description), ["started#1@shuttle:s1", "ok#1@shuttle:s1"])
        XCTAssertEqual(entries.first?.uuid, job.uuid)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(entries.first?.started), due, "started before its availableAt")
        let after = try queueSizes()
        XCTAssertEqual([after.ready, after.delayed, after.reserved, after.notify], [0, 0, 0, 0])
    }
}
