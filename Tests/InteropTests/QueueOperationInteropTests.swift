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

/// Shuttle's RedisQueue and Laravel 8 (dispatch.php, the real queue:work) on the same queues
/// (spec §10 #1 – #5, #18, #19).
final class QueueOperationInteropTests: XCTestCase {
    private var harnesses: [QueueOperationHarness] = []

    private func harness(prefix: String? = nil, database: Int = 0) async throws -> QueueOperationHarness {
        let h = try await QueueOperationHarness.make(prefix: prefix, database: database)
        harnesses.append(h)
        return h
    }

    override func tearDown() async throws {
        for h in harnesses { await h.cleanup() }
        harnesses = []
    }

    // MARK: §10 #1, #2 under each prefix and database

    /// PHP dispatch → Swift pop: the list element's exact bytes, a reserved copy with attempts 1, one token used.
    private func assertPHPDispatchIsPoppedBySwift(_ h: QueueOperationHarness, file: StaticString = #filePath, line: UInt = #line) async throws {
        let pushed = try h.dispatch("probe", ["--queue", h.queueName, "--json", #"{"record":"rec-\#(h.token)"}"#])
        XCTAssertEqual(pushed.count, 1, file: file, line: line)
        let stored = try await h.list(h.base)
        let element = try XCTUnwrap(stored.first, "PHP pushed to \(h.base)", file: file, line: line)
        let tokensBefore = try await h.llen(h.base + ":notify")
        XCTAssertEqual(tokensBefore, 1, file: file, line: line)

        let queue = h.queue()
        try await queue.migrate()
        let result = try await queue.pop()
        let job = try XCTUnwrap(result.jobs.first, file: file, line: line)
        XCTAssertEqual(job.rawBody, element, file: file, line: line)
        XCTAssertEqual(job.uuid, pushed.first?.uuid, file: file, line: line)
        XCTAssertEqual(job.payload.id, pushed.first?.id, file: file, line: line)
        XCTAssertEqual(job.className, "Shuttle\\Jobs\\Probe", file: file, line: line)
        XCTAssertEqual(job.attempts, 1, file: file, line: line)
        let reserved = try await h.zset(h.base + ":reserved")
        XCTAssertEqual(reserved.map(\.member), [job.reserved], file: file, line: line)
        let reservedAttempts = try JSONSerialization.jsonObject(with: Data(job.reserved)) as? [String: Any]
        XCTAssertEqual(reservedAttempts?["attempts"] as? Int, 1, file: file, line: line)
        let tokensAfter = try await h.llen(h.base + ":notify")
        XCTAssertEqual(tokensAfter, 0, file: file, line: line)
        try await queue.delete(job)
        let left = try await h.zcard(h.base + ":reserved")
        XCTAssertEqual(left, 0, file: file, line: line)
    }

    /// Swift push (PayloadBuilder, Laravel 8) → `queue:work --stop-when-empty` runs and deletes it.
    private func assertSwiftPushIsRunByPHP(_ h: QueueOperationHarness, file: StaticString = #filePath, line: UInt = #line) async throws {
        let payload = try InteropProbe.payload(record: "rec2-\(h.token)")
        try await h.queue().pushRaw(payload.rawBytes)
        let stored = try await h.list(h.base)
        XCTAssertEqual(stored, [payload.rawBytes], "stored under \(h.base)", file: file, line: line)

        try h.work(["--queue=\(h.queueName)", "--stop-when-empty", "--sleep=0", "--name=w"])
        let entries = try await h.records("rec2-\(h.token)")
        XCTAssertEqual(entries.map { $0["outcome"] as? String }, ["started", "ok"], file: file, line: line)
        XCTAssertEqual(entries.first?["uuid"] as? String, payload.uuid, file: file, line: line)
        XCTAssertEqual(entries.first?["attempt"] as? Int, 1, file: file, line: line)
        let sizes = try await h.queue().sizes()
        XCTAssertEqual(sizes, QueueSizes(ready: 0, delayed: 0, reserved: 0), "deleted after running", file: file, line: line)
        let tokens = try await h.llen(h.base + ":notify")
        XCTAssertEqual(tokens, 0, file: file, line: line)
    }

    func testPHPDispatchIsPoppedBySwift() async throws {
        try await assertPHPDispatchIsPoppedBySwift(try await harness())
    }

    func testSwiftPushIsRunByLaravelsWorker() async throws {
        try await assertSwiftPushIsRunByPHP(try await harness())
    }

    /// §10 #18: the skeletons' prefixes and none; the keys PHP and Shuttle use are the same exact strings.
    func testBothDirectionsUnderEveryPrefix() async throws {
        for prefix in ["laravel_database_", "laravel-database-", ""] {
            let h = try await harness(prefix: prefix)
            XCTAssertEqual(h.base, "\(prefix)queues:\(h.queueName)")
            try await assertPHPDispatchIsPoppedBySwift(h)
            try await assertSwiftPushIsRunByPHP(h)
        }
    }

    /// §10 #19: REDIS_DB=3 on both sides; nothing lands in database 0.
    func testDatabaseThree() async throws {
        let h = try await harness(database: 3)
        try await assertPHPDispatchIsPoppedBySwift(h)
        try await assertSwiftPushIsRunByPHP(h)
        let db0 = try ProcessRunner.run(["redis-cli", "-p", String(h.port), "-n", "0", "--raw", "keys", "*\(h.token)*"])
        XCTAssertEqual(db0.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "")
    }

    // MARK: §10 #3 blocking

    /// A PHP worker blocked in BLPOP (`block_for` 5) runs a Swift-pushed job at once, not after its 5 s.
    func testBlockedPHPWorkerWakesOnSwiftPush() async throws {
        let h = try await harness()
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        worker.arguments = ["php", QueueOperationHarness.scripts.appendingPathComponent("work.php").path,
                            "--queue=\(h.queueName)", "--max-jobs=1", "--sleep=0", "--max-time=30"]
        worker.environment = ProcessInfo.processInfo.environment.merging(h.environment.merging(["QUEUE_BLOCK_FOR": "5"]) { $1 }) { $1 }
        worker.standardOutput = FileHandle.nullDevice
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        defer { if worker.isRunning { worker.terminate() } }

        try await h.waitForBlockedClient(on: h.base + ":notify")
        let payload = try InteropProbe.payload(record: "rec-\(h.token)")
        let pushedAt = Date().timeIntervalSince1970
        try await h.queue().pushRaw(payload.rawBytes)
        let deadline = Date().addingTimeInterval(20)
        while worker.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }

        let entries = try await h.records("rec-\(h.token)")
        XCTAssertEqual(entries.map { $0["outcome"] as? String }, ["started", "ok"])
        let started = try XCTUnwrap(entries.first?["started"] as? Double)
        XCTAssertLessThan(started - pushedAt, 1.5, "woken by the push's notify token, not by BLPOP's 5 s timeout")
        XCTAssertGreaterThanOrEqual(started, pushedAt - 0.01)
    }

    /// And the other way: Shuttle waiting on the notify list wakes when PHP dispatches.
    func testBlockedSwiftWaitWakesOnPHPDispatch() async throws {
        let h = try await harness()
        let blocking = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: h.port, database: h.database, keyPrefix: h.prefix))
        defer { blocking.close() }
        let queue = h.queue(blockFor: 5, blocking: blocking)
        let started = ContinuousClock.now
        let wait = Task { try await queue.waitForNotification(timeout: 5) }
        try await h.waitForBlockedClient(on: h.base + ":notify")
        try h.dispatch("probe", ["--queue", h.queueName])
        let woke = try await wait.value
        let elapsed = ContinuousClock.now - started
        XCTAssertTrue(woke)
        XCTAssertLessThan(elapsed, .seconds(4), "woken by the dispatch, not the 5 s timeout")
        let job = try await queue.pop().jobs.first
        XCTAssertNotNil(job, "the job is there to pop")
    }

    // MARK: §10 #4, #5 delayed jobs

    /// PHP `later(30)`: not popped before its time, migrated with one token and popped after it.
    func testPHPDelayedJobIsNotPoppedBeforeItsTime() async throws {
        let h = try await harness()
        let now = Int(Date().timeIntervalSince1970)
        try h.dispatch("probe", ["--queue", h.queueName, "--delay", "30"])
        let delayed = try await h.zset(h.base + ":delayed")
        XCTAssertEqual(delayed.count, 1)
        let score = try XCTUnwrap(delayed.first?.score)
        XCTAssertTrue((now + 30)...(now + 32) ~= score, "score \(score) = PHP's now + 30")

        let clock = ManualClock(now)
        let queue = h.queue(clock: { clock.now })
        for seconds in [0, 10, score - now - 1] {
            clock.now = now + seconds
            let moved = try await queue.migrate()
            XCTAssertEqual(moved, 0, "at now+\(seconds)")
            let popped = try await queue.pop()
            XCTAssertTrue(popped.isEmpty, "at now+\(seconds)")
        }
        clock.now = score
        let moved = try await queue.migrate()
        XCTAssertEqual(moved, 1)
        let tokens = try await h.llen(h.base + ":notify")
        XCTAssertEqual(tokens, 1, "migration pushes one notify token")
        let popped = try await queue.pop()
        let job = try XCTUnwrap(popped.jobs.first)
        XCTAssertEqual(job.rawBody, delayed.first?.member)
        XCTAssertEqual(job.attempts, 1)
    }

    /// Shuttle's delayed job (plain ZADD, as Laravel 8) is left alone by PHP's worker until due, then run.
    func testSwiftDelayedJobIsRunByLaravelsWorkerWhenDue() async throws {
        let h = try await harness()
        let payload = try InteropProbe.payload(record: "rec-\(h.token)", delay: 2)
        let availableAt = Int(Date().timeIntervalSince1970) + 2
        try await h.queue().laterRaw(payload.rawBytes, availableAt: availableAt)
        let scheduled = try await h.zset(h.base + ":delayed")
        XCTAssertEqual(scheduled.map(\.score), [availableAt])

        try h.work(["--queue=\(h.queueName)", "--stop-when-empty", "--sleep=0"])
        let early = try await h.records("rec-\(h.token)")
        XCTAssertEqual(early.count, 0, "not run before it is due")
        let waiting = try await h.zcard(h.base + ":delayed")
        XCTAssertEqual(waiting, 1)

        while Double(availableAt) >= Date().timeIntervalSince1970 { try await Task.sleep(for: .milliseconds(100)) }
        try h.work(["--queue=\(h.queueName)", "--stop-when-empty", "--sleep=0"])
        let entries = try await h.records("rec-\(h.token)")
        XCTAssertEqual(entries.map { $0["outcome"] as? String }, ["started", "ok"])
        XCTAssertEqual(entries.first?["uuid"] as? String, payload.uuid)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(entries.first?["started"] as? Double), Double(availableAt))
        let sizes = try await h.queue().sizes()
        XCTAssertEqual(sizes, QueueSizes(ready: 0, delayed: 0, reserved: 0))
    }
}

/// A clock the test sets by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int
    init(_ now: Int) { value = now }
    var now: Int {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
