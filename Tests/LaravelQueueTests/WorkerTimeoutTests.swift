import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import Synchronization
import TestSupport
import XCTest

/// Spec §6.5 / §10 #13: a timed-out handler is cancelled; the job is left reserved while attempts remain,
/// failed at once with `failOnTimeout`; a handler that ignores cancellation makes the worker exit 1.
final class WorkerTimeoutTests: XCTestCase {
    private func makeBed() async throws -> WorkerTestBed {
        let bed = try await WorkerTestBed()
        addTeardownBlock { try await bed.cleanUp() }
        return bed
    }

    func testTimedOutJobIsCancelledAndLeftReservedThenRunsAgainAfterRetryAfter() async throws {
        let bed = try await makeBed()
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
        let reserved = try await bed.reserved()
        XCTAssertEqual(reserved.map { Payload.attempts(of: $0.member) }, [1], "left reserved, attempts spent")
        let rows = try await bed.failedJobs(), delayed = try await bed.delayed()
        XCTAssertTrue(rows.isEmpty, "attempts remain: not failed")
        XCTAssertTrue(delayed.isEmpty, "not released either")
        XCTAssertTrue(bed.events.deleted.isEmpty)

        bed.clock.advance(bed.queue.retryAfter)  // the reservation expires; migration hands it out again
        await eventually("second attempt") { bed.events.deleted.count == 1 }
        worker.stop()
        _ = await run.value
        XCTAssertEqual(handler.runs, 2)
        XCTAssertEqual(bed.events.deleted.first?.uuid, payload.uuid)
        XCTAssertEqual(bed.events.deleted.first?.attempts, 2)
        XCTAssertEqual(handler.failedCalls, 0)
    }

    func testFailOnTimeoutFailsAtOnceWithTheVersionsText() async throws {
        let cases = [
            (LaravelVersion.v12, "Illuminate\\Queue\\TimeoutExceededException: App\\Jobs\\TestJob has timed out. in shuttle:0\nStack trace:\n#0 {main}"),
            (LaravelVersion(10, 9), "Illuminate\\Queue\\MaxAttemptsExceededException: App\\Jobs\\TestJob has been attempted too many times or run too long. The job may have previously timed out. in shuttle:0\nStack trace:\n#0 {main}"),
        ]
        for (version, text) in cases {
            let bed = try await makeBed()
            let handler = TestHandler { _ in try await Task.sleep(for: .seconds(30)) }
            let payload = try WorkerTestBed.payload(options: JobOptions(maxTries: 5, failOnTimeout: true, timeout: 1), version: version)
            try await bed.queue.pushRaw(payload.rawBytes)
            let exit = await bed.worker(try TestHandler.registry(handler), options: .test(timeout: 0, stopWhenEmpty: true), version: version).run()
            XCTAssertEqual(exit, .stopped(reason: "queue empty"), "payload timeout 1 wins over --timeout=0")
            let rows = try await bed.failedJobs()
            XCTAssertEqual(rows.map(\.exception), [text], "\(version)")
            XCTAssertEqual(rows.map(\.payload), [payload.rawBytes])
            XCTAssertEqual(handler.failedCalls, 1)
            let reserved = try await bed.reserved()
            XCTAssertTrue(reserved.isEmpty)
        }
    }

    func testTimeoutOnTheLastAttemptFails() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { _ in try await Task.sleep(for: .seconds(30)) }
        try await bed.push(options: JobOptions(timeout: 1))
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(tries: 1, stopWhenEmpty: true)).run()
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map { $0.exception.hasPrefix("Illuminate\\Queue\\TimeoutExceededException: App\\Jobs\\TestJob has timed out.") }, [true])
    }

    /// A handler that ignores cancellation past the grace period: the worker gives up and exits with status 1,
    /// so its supervisor starts a fresh process (PHP's worker kills itself in that case).
    func testHandlerIgnoringCancellationMakesTheWorkerExitAsStuck() async throws {
        let bed = try await makeBed()
        let gate = Gate()
        let handler = TestHandler { _ in await gate.wait() }
        try await bed.push(options: JobOptions(maxTries: 3, timeout: 1))
        try await bed.push(value: 2)
        let started = ContinuousClock.now
        let exit = await bed.worker(try TestHandler.registry(handler), options: .test(), timeoutGrace: .milliseconds(200)).run()
        gate.open()

        XCTAssertEqual(exit, .stuckJob)
        XCTAssertEqual(exit.status, 1)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        XCTAssertEqual(handler.runs, 1, "no new job after the stuck one")
        let reserved = try await bed.reserved(), ready = try await bed.ready()
        XCTAssertEqual(reserved.count, 1, "the stuck job keeps its reservation and comes back after retry_after")
        XCTAssertEqual(ready.count, 1)
    }
}
