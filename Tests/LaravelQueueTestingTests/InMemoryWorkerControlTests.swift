import Foundation
import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import Synchronization
import XCTest

/// Starting and stopping on an `InMemoryQueue`: `stop()`, `queue:restart` and `queue:pause` through the cache,
/// `--once`, `--max-jobs`, `--stop-when-empty`, `--queue` priority and a blocking wait woken by a push.
/// `WorkerControlTests` checks the same on Redis.
final class InMemoryWorkerControlTests: XCTestCase {
    /// Records the order jobs ran in, by their `value` property.
    final class Order: Sendable {
        private let values = Mutex<[Int]>([])
        func record(_ context: JobContext) { if case .int(let v)? = context.property("value") { values.withLock { $0.append(v) } } }
        var all: [Int] { values.withLock { $0 } }
    }

    /// Blocks the job of value 1 until the gate opens, so the test sees the worker busy with it.
    private func blockingHandler(_ gate: Gate, order: Order = Order()) -> TestHandler {
        TestHandler { context in
            order.record(context)
            if context.property("value") == .int(1) { await gate.wait() }
        }
    }

    private func isFinished(_ task: Task<WorkerExit, Never>, within: Duration) async -> Bool {
        let done = Mutex(false)
        let watcher = Task { _ = await task.value; done.withLock { $0 = true } }
        try? await Task.sleep(for: within)
        watcher.cancel()
        return done.withLock { $0 }
    }

    func testStopFinishesTheJobInFlightThenReturns() async throws {
        let bed = InMemoryWorkerBed()
        let gate = Gate()
        let handler = blockingHandler(gate)
        try await bed.push(value: 1)
        try await bed.push(value: 2)
        let worker = bed.worker(try TestHandler.registry(handler))
        let run = bed.start(worker)
        await eventually("first job running") { handler.runs == 1 }
        worker.stop()
        let finishedEarly = await isFinished(run, within: .milliseconds(300))
        XCTAssertFalse(finishedEarly, "waits for the job in flight")
        gate.open()
        let exit = await run.value
        XCTAssertEqual(exit, .stopped(reason: "signal"))
        XCTAssertEqual(bed.events.deleted.count, 1, "the in-flight job completed")
        XCTAssertEqual(bed.ready().count, 1, "no new job after stop()")
    }

    /// `php artisan queue:restart` stores a new timestamp: the worker finishes its job, then exits 0.
    func testRestartSignalInTheCacheStopsAfterTheCurrentJob() async throws {
        let bed = InMemoryWorkerBed()
        try await bed.cache.forever("illuminate:queue:restart", .int(1_700_000_000))
        let gate = Gate()
        let handler = blockingHandler(gate)
        try await bed.push(value: 1)
        try await bed.push(value: 2)
        let run = bed.start(bed.worker(try TestHandler.registry(handler)))
        await eventually("first job running") { handler.runs == 1 }
        let unchanged = await isFinished(run, within: .milliseconds(200))
        XCTAssertFalse(unchanged, "the value read at start does not stop it")
        try await bed.cache.forever("illuminate:queue:restart", .int(1_700_000_100))
        let finishedEarly = await isFinished(run, within: .milliseconds(300))
        XCTAssertFalse(finishedEarly, "waits for the job in flight")
        gate.open()
        let exit = await run.value
        XCTAssertEqual(exit, .stopped(reason: "restart signal"))
        XCTAssertEqual(handler.runs, 1)
        XCTAssertEqual(bed.ready().count, 1)
    }

    /// v12.40+ `queue:pause redis:emails`: the worker skips that queue until `queue:resume`.
    func testPausedQueueIsSkippedFromLaravel1240() async throws {
        let bed = InMemoryWorkerBed()
        let order = Order()
        let handler = TestHandler { order.record($0) }
        try await bed.cache.forever("illuminate:queue:paused:redis:emails", .bool(true))
        try await bed.push(queue: "emails", value: 1)
        try await bed.push(queue: "default", value: 2)
        let worker = bed.worker(try TestHandler.registry(handler), options: .test(queues: ["emails", "default"]), version: LaravelVersion(12, 40))
        let run = bed.start(worker)
        await eventually("default job done") { order.all == [2] }
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(order.all, [2], "emails is paused")
        try await bed.cache.forget("illuminate:queue:paused:redis:emails")
        await eventually("emails resumed") { order.all == [2, 1] }
        worker.stop()
        _ = await run.value
    }

    /// SIGUSR2 / SIGCONT.
    func testPauseAndResume() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler()
        let worker = bed.worker(try TestHandler.registry(handler))
        worker.pause()
        let run = bed.start(worker)
        try await bed.push()
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(handler.runs, 0, "paused: no job taken")
        worker.resume()
        await eventually("resumed") { handler.runs == 1 }
        worker.stop()
        let exit = await run.value
        XCTAssertEqual(exit, .stopped(reason: "signal"))
    }

    func testMaxJobsStopsAfterExactlyThatMany() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler()
        for i in 1...5 { try await bed.push(value: i) }
        let exit = await bed.worker(try TestHandler.registry(handler), options: .test(concurrency: 2, maxJobs: 3)).run()
        XCTAssertEqual(exit, .stopped(reason: "max jobs"))
        XCTAssertEqual(handler.runs, 3)
        XCTAssertEqual(bed.ready().count, 2)
        XCTAssertTrue(bed.reserved().isEmpty)
    }

    func testOnceRunsOneJob() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler()
        try await bed.push(value: 1)
        try await bed.push(value: 2)
        var options = WorkerOptions.test()
        options.once = true
        let exit = await bed.worker(try TestHandler.registry(handler), options: options).run()
        XCTAssertEqual(exit, .stopped(reason: "once"))
        XCTAssertEqual(handler.runs, 1)
        XCTAssertEqual(bed.ready().count, 1)
        _ = await bed.worker(try TestHandler.registry(handler), options: options).run()
        let idle = await bed.worker(try TestHandler.registry(handler), options: options).run()
        XCTAssertEqual(idle, .stopped(reason: "once"), "nothing to run: one --sleep, then out")
        XCTAssertEqual(handler.runs, 2)
    }

    /// `--stop-when-empty` calls the queue empty only after a migration: a job released with no delay is run
    /// again first.
    func testStopWhenEmptyRunsJobsMigrationBringsBackFirst() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler { context in
            if context.property("value") == .int(1) && context.attempts == 1 { context.release() }
        }
        try await bed.push(options: JobOptions(maxTries: 3))
        try await bed.queue.later(try InMemoryWorkerBed.payload(value: 2), availableAt: bed.clock.now)
        let exit = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true)).run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        XCTAssertEqual(handler.runs, 3, "the released job twice, the due delayed one once")
        let sizes = try await bed.queue.sizes()
        XCTAssertEqual(sizes.total, 0)
    }

    /// §10 #21: `--queue=high,low`: a job on high is always taken before the next one on low.
    func testHighQueueAlwaysFirst() async throws {
        let bed = InMemoryWorkerBed()
        let order = Order()
        let gate = Gate()
        let handler = blockingHandler(gate, order: order)
        for v in [1, 2, 3] { try await bed.push(queue: "low", value: v) }
        let worker = bed.worker(try TestHandler.registry(handler), options: .test(queues: ["high", "low"], stopWhenEmpty: true))
        let run = bed.start(worker)
        await eventually("low job 1 running") { order.all == [1] }
        for v in [10, 11] { try await bed.push(queue: "high", value: v) }
        gate.open()
        _ = await run.value
        XCTAssertEqual(order.all, [1, 10, 11, 2, 3])
    }

    /// `block_for`: an idle worker waits on the first queue's notify list, and a push wakes it long before
    /// the wait would end; the token is taken by the wait, the job by the pop after it.
    func testABlockedWorkerWakesOnAPush() async throws {
        let bed = InMemoryWorkerBed(blockFor: 5)
        let handler = TestHandler()
        let worker = bed.worker(try TestHandler.registry(handler))
        let run = bed.start(worker)
        try await Task.sleep(for: .milliseconds(300))  // idle, inside its 5 s wait
        let pushed = ContinuousClock.now
        try await bed.push()
        await eventually("job run", timeout: .seconds(3)) { handler.runs == 1 }
        XCTAssertLessThan(ContinuousClock.now - pushed, .seconds(3), "woken, not timed out")
        XCTAssertEqual(bed.queue.notifyTokens(), 0)
        worker.stop()
        try await bed.push(value: 2)  // wakes the wait again so the stop is seen at once
        let exit = await run.value
        XCTAssertEqual(exit, .stopped(reason: "signal"))
    }
}
