import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import PHPSerialization
import Synchronization
import TestSupport
import XCTest

/// Starting and stopping: signals (§6.10, #35 at API level), `queue:restart` (#30), `queue:pause` (#31),
/// `--max-jobs`, `--max-time`, `--once`, and `--queue` priority (#21).
final class WorkerControlTests: XCTestCase {
    private func makeBed() async throws -> WorkerTestBed {
        let bed = try await WorkerTestBed()
        addTeardownBlock { try await bed.cleanUp() }
        return bed
    }

    /// Records the order jobs ran in, by their `value` property.
    final class Order: Sendable {
        private let values = Mutex<[Int]>([])
        func record(_ context: JobContext) { if case .int(let v)? = context.property("value") { values.withLock { $0.append(v) } } }
        var all: [Int] { values.withLock { $0 } }
    }

    /// Blocks the first job until opened; the test can see the worker is busy with it.
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
        let bed = try await makeBed()
        let gate = Gate()
        let handler = blockingHandler(gate)
        try await bed.push(value: 1)
        try await bed.push(value: 2)
        let worker = bed.worker(try TestHandler.registry(handler), options: .test())
        let run = bed.start(worker)
        await eventually("first job running") { handler.runs == 1 }
        worker.stop()
        let finishedEarly = await isFinished(run, within: .milliseconds(300))
        XCTAssertFalse(finishedEarly, "waits for the job in flight")
        gate.open()
        let exit = await run.value
        XCTAssertEqual(exit, .stopped(reason: "signal"))
        XCTAssertEqual(exit.status, 0)
        XCTAssertEqual(bed.events.deleted.count, 1, "the in-flight job completed")
        let ready = try await bed.ready()
        XCTAssertEqual(ready.count, 1, "no new job after stop()")
    }

    /// `php artisan queue:restart` stores a new timestamp: the worker finishes its job, then exits 0.
    func testRestartSignalInTheCacheStopsAfterTheCurrentJob() async throws {
        let bed = try await makeBed()
        try await bed.cache.forever("illuminate:queue:restart", .int(1_700_000_000))
        let gate = Gate()
        let handler = blockingHandler(gate)
        try await bed.push(value: 1)
        try await bed.push(value: 2)
        let run = bed.start(bed.worker(try TestHandler.registry(handler), options: .test()))
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
        let ready = try await bed.ready()
        XCTAssertEqual(ready.count, 1)
    }

    func testRestartMarkerComparesLooselyLikePHP() {
        XCTAssertFalse(ControlSignals.looselyDiffers(.int(5), .string(Array("5".utf8))))
        XCTAssertFalse(ControlSignals.looselyDiffers(nil, .null))
        XCTAssertTrue(ControlSignals.looselyDiffers(nil, .int(1_700_000_000)))
        XCTAssertTrue(ControlSignals.looselyDiffers(.int(1), .int(2)))
    }

    /// v12.40+ `queue:pause redis:emails`: the worker skips that queue until `queue:resume`.
    func testPausedQueueIsSkippedFromLaravel1240() async throws {
        let bed = try await makeBed()
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
        _ = try await bed.cache.forget("illuminate:queue:paused:redis:emails")
        await eventually("emails resumed") { order.all == [2, 1] }
        worker.stop()
        _ = await run.value
    }

    func testPauseKeysAreIgnoredBefore1240AndTheGlobalKeyWorksFrom1325() async throws {
        let bed = try await makeBed()
        let handler = TestHandler()
        try await bed.cache.forever("illuminate:queue:paused:redis:default", .bool(true))
        try await bed.push()
        let old = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true), version: LaravelVersion(12, 39)).run()
        XCTAssertEqual(old, .stopped(reason: "queue empty"))
        XCTAssertEqual(handler.runs, 1, "12.39 knows no pause keys")

        _ = try await bed.cache.forget("illuminate:queue:paused:redis:default")
        try await bed.cache.forever("illuminate:queues:paused", .bool(true))
        try await bed.push()
        for version in [LaravelVersion(13, 25), LaravelVersion(12, 67)] {
            let worker = bed.worker(try TestHandler.registry(handler), options: .test(), version: version)
            let run = bed.start(worker)
            try await Task.sleep(for: .milliseconds(300))
            worker.stop()
            _ = await run.value
            XCTAssertEqual(handler.runs, version >= LaravelVersion(13, 25) ? 1 : 2, "global pause key on \(version)")
        }
    }

    /// SIGUSR2 / SIGCONT.
    func testPauseAndResume() async throws {
        let bed = try await makeBed()
        let handler = TestHandler()
        let worker = bed.worker(try TestHandler.registry(handler), options: .test())
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
        let bed = try await makeBed()
        let handler = TestHandler()
        for i in 1...5 { try await bed.push(value: i) }
        let exit = await bed.worker(try TestHandler.registry(handler), options: .test(concurrency: 2, maxJobs: 3)).run()
        XCTAssertEqual(exit, .stopped(reason: "max jobs"))
        XCTAssertEqual(handler.runs, 3)
        let ready = try await bed.ready(), reserved = try await bed.reserved()
        XCTAssertEqual(ready.count, 2)
        XCTAssertTrue(reserved.isEmpty)
    }

    func testMaxTimeStopsAnIdleWorker() async throws {
        let bed = try await makeBed()
        var options = WorkerOptions.test()
        options.maxTime = 1
        let started = ContinuousClock.now
        let exit = await bed.worker(try TestHandler.registry(TestHandler()), options: options).run()
        let elapsed = ContinuousClock.now - started
        XCTAssertEqual(exit, .stopped(reason: "max time"))
        XCTAssertGreaterThanOrEqual(elapsed, .seconds(1))
        XCTAssertLessThan(elapsed, .seconds(3))
    }

    /// `--memory`: once the process is over the limit the worker stops taking jobs and exits with status 12.
    func testMemoryLimitStopsTheWorkerWithStatus12() async throws {
        let bed = try await makeBed()
        let handler = TestHandler()
        try await bed.push(value: 1)
        var options = WorkerOptions.test()
        options.memory = 1 // megabytes: any process is over it
        let exit = await bed.worker(try TestHandler.registry(handler), options: options).run()
        XCTAssertEqual(exit, .memoryExceeded)
        XCTAssertEqual(exit.status, 12)
        XCTAssertEqual(handler.runs, 0, "checked before the first job, as queue:work checks after each loop")
        let ready = try await bed.ready()
        XCTAssertEqual(ready.count, 1, "the job is left for another worker")
    }

    /// `php artisan down` (the `storage/framework/down` file): no job is taken until it is gone, unless `--force`.
    func testMaintenanceModePausesTheWorkerUnlessForced() async throws {
        let bed = try await makeBed()
        let storage = try TestEnvironment.temporaryDirectory("storage")
        try FileManager.default.createDirectory(at: storage.appendingPathComponent("framework"), withIntermediateDirectories: true)
        let down = storage.appendingPathComponent("framework/down")
        try Data("{}".utf8).write(to: down)
        try await bed.push(value: 1)
        var services = bed.services()
        services.maintenanceMode = MaintenanceMode(storagePath: storage.path)

        let handler = TestHandler()
        var options = WorkerOptions.test(stopWhenEmpty: true)
        options.maxTime = 1
        let exit = await bed.worker(try TestHandler.registry(handler), options: options, services: services).run()
        XCTAssertEqual(exit, .stopped(reason: "max time"), "down: it waited instead of working or calling the queue empty")
        XCTAssertEqual(handler.runs, 0)

        options.force = true
        let forced = await bed.worker(try TestHandler.registry(handler), options: options, services: services).run()
        XCTAssertEqual(forced, .stopped(reason: "queue empty"))
        XCTAssertEqual(handler.runs, 1, "--force works while down")

        try FileManager.default.removeItem(at: down)
        try await bed.push(value: 2)
        options.force = false
        let up = await bed.worker(try TestHandler.registry(handler), options: options, services: services).run()
        XCTAssertEqual(up, .stopped(reason: "queue empty"))
        XCTAssertEqual(handler.runs, 2)
    }

    func testOnceRunsOneJob() async throws {
        let bed = try await makeBed()
        let handler = TestHandler()
        try await bed.push(value: 1)
        try await bed.push(value: 2)
        var options = WorkerOptions.test()
        options.once = true
        let exit = await bed.worker(try TestHandler.registry(handler), options: options).run()
        XCTAssertEqual(exit, .stopped(reason: "once"))
        XCTAssertEqual(handler.runs, 1)
        let ready = try await bed.ready()
        XCTAssertEqual(ready.count, 1)
        let idle = await bed.worker(try TestHandler.registry(handler), options: options).run()
        XCTAssertEqual(idle, .stopped(reason: "once"))
    }

    func testNoQueueOptionMeansTheConnectionsDefaultQueue() async throws {
        let bed = try await makeBed()
        let handler = TestHandler()
        try await bed.push()
        let exit = await bed.worker(try TestHandler.registry(handler), options: .test(queues: [], stopWhenEmpty: true)).run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        XCTAssertEqual(handler.runs, 1)
    }

    /// §10 #21: `--queue=high,low`: a job on high is always taken before the next one on low.
    func testHighQueueAlwaysFirst() async throws {
        let bed = try await makeBed()
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
}
