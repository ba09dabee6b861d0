import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import Synchronization
import XCTest

/// Spec §6.5 / §10 #13 on an `InMemoryQueue`: a timed-out handler is cancelled; the job stays reserved while
/// attempts remain and comes back once its reservation expires; `failOnTimeout` fails it at once; a handler
/// that ignores cancellation makes the worker exit 1. `WorkerTimeoutTests` checks the same on Redis.
final class InMemoryWorkerTimeoutTests: XCTestCase {
    func testTimedOutJobIsCancelledAndLeftReservedThenRunsAgainAfterRetryAfter() async throws {
        let bed = InMemoryWorkerBed()
        let cancelled = Mutex(0)
        let handler = TestHandler { context in
            guard context.attempts == 1 else { return }
            do { try await Task.sleep(for: .seconds(30)) } catch { cancelled.withLock { $0 += 1 }; throw error }
        }
        let payload = try await bed.push(options: JobOptions(maxTries: 3))
        let worker = bed.worker(try TestHandler.registry(handler), options: .test(timeout: 1))  // --timeout=1
        let run = bed.start(worker)
        await eventually("first attempt timed out") { worker.jobsProcessed == 1 }

        XCTAssertEqual(cancelled.withLock { $0 }, 1, "the handler saw cancellation")
        XCTAssertEqual(bed.reserved().map { Payload.attempts(of: $0.member) }, [1], "left reserved, attempts spent")
        let rows = try await bed.failedJobs()
        XCTAssertTrue(rows.isEmpty, "attempts remain: not failed")
        XCTAssertTrue(bed.delayed().isEmpty, "not released either")
        XCTAssertTrue(bed.events.deleted.isEmpty)

        bed.clock.advance(bed.queue.retryAfter)  // the reservation expires; migration hands it out again
        await eventually("second attempt") { bed.events.deleted.count == 1 }
        worker.stop()
        _ = await run.value
        XCTAssertEqual(handler.runs, 2)
        XCTAssertEqual(bed.events.deleted.first?.uuid, payload.uuid)
        XCTAssertEqual(bed.events.deleted.first?.attempts, 2)
        XCTAssertEqual(bed.events.migrated.map { Payload.uuid(of: $0) }, [payload.uuid], "the expired reservation")
        XCTAssertEqual(handler.failedCalls, 0)
    }

    func testFailOnTimeoutFailsAtOnceWithTheVersionsText() async throws {
        let cases = [
            (LaravelVersion.v12, "Illuminate\\Queue\\TimeoutExceededException: App\\Jobs\\TestJob has timed out. in shuttle:0\nStack trace:\n#0 {main}"),
            (LaravelVersion(10, 9), "Illuminate\\Queue\\MaxAttemptsExceededException: App\\Jobs\\TestJob has been attempted too many times or run too long. The job may have previously timed out. in shuttle:0\nStack trace:\n#0 {main}"),
        ]
        for (version, text) in cases {
            let bed = InMemoryWorkerBed()
            let handler = TestHandler { _ in try await Task.sleep(for: .seconds(30)) }
            let payload = try InMemoryWorkerBed.payload(options: JobOptions(maxTries: 5, failOnTimeout: true, timeout: 1), version: version)
            try await bed.queue.push(payload)
            let exit = await bed.worker(try TestHandler.registry(handler), options: .test(timeout: 0, stopWhenEmpty: true), version: version).run()
            XCTAssertEqual(exit, .stopped(reason: "queue empty"), "payload timeout 1 wins over --timeout=0")
            let rows = try await bed.failedJobs()
            XCTAssertEqual(rows.map(\.exception), [text], "\(version)")
            XCTAssertEqual(rows.map(\.payload), [payload.rawBytes])
            XCTAssertEqual(handler.failedCalls, 1)
            XCTAssertTrue(bed.reserved().isEmpty)
        }
    }

    func testTimeoutOnTheLastAttemptFails() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler { _ in try await Task.sleep(for: .seconds(30)) }
        try await bed.push(options: JobOptions(timeout: 1))
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(tries: 1, stopWhenEmpty: true)).run()
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map { $0.exception.hasPrefix("Illuminate\\Queue\\TimeoutExceededException: App\\Jobs\\TestJob has timed out.") }, [true])
    }

    /// A handler that ignores cancellation past the grace period: the worker gives up and exits with status 1.
    func testHandlerIgnoringCancellationMakesTheWorkerExitAsStuck() async throws {
        let bed = InMemoryWorkerBed()
        let gate = Gate()
        let handler = TestHandler { _ in await gate.wait() }
        try await bed.push(options: JobOptions(maxTries: 3, timeout: 1))
        try await bed.push(value: 2)
        let started = ContinuousClock.now
        let exit = await bed.worker(try TestHandler.registry(handler), timeoutGrace: .milliseconds(200)).run()
        gate.open()

        XCTAssertEqual(exit, .stuckJob)
        XCTAssertEqual(exit.status, 1)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        XCTAssertEqual(handler.runs, 1, "no new job after the stuck one")
        XCTAssertEqual(bed.reserved().count, 1, "the stuck job keeps its reservation and comes back after retry_after")
        XCTAssertEqual(bed.ready().count, 1)
    }
}
