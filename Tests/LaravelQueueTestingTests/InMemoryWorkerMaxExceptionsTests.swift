import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import XCTest

/// Spec §6.4 / §10 #14 on an `InMemoryQueue` and `InMemoryCacheStore`: `maxExceptions` counts in the cache key
/// `job-exceptions:<uuid>`. `WorkerMaxExceptionsTests` checks the same, and the bytes PHP sees, on Redis.
final class InMemoryWorkerMaxExceptionsTests: XCTestCase {
    private func counterKey(_ uuid: String?) -> String { "job-exceptions:" + (uuid ?? "") }

    func testFailsOnTheNthExceptionAndForgetsTheCounter() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler { _ in throw TestFailure() }
        // A backoff the test clock must pass: each retry waits until the test has looked at the counter.
        let payload = try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 3, backoff: "10"))
        let worker = bed.worker(try TestHandler.registry(handler))
        let run = bed.start(worker)

        for exceptions in 1...2 {
            await eventually("release \(exceptions)") { bed.events.released.count == exceptions }
            let counter = try await bed.cache.get(counterKey(payload.uuid))
            XCTAssertEqual(counter, .int(exceptions))
            bed.clock.advance(10)
        }
        await eventually("failure") { bed.events.failed.count == 1 }
        worker.stop()
        _ = await run.value
        XCTAssertEqual(handler.runs, 3)
        XCTAssertEqual(bed.events.released.count, 2)
        let counter = try await bed.cache.get(counterKey(payload.uuid))
        XCTAssertNil(counter, "forgotten when it fails the job")
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map(\.uuid), [payload.uuid])
    }

    /// The counter is put for a day: one older than that has expired, and counting starts again.
    func testTheCounterLastsADay() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler { _ in throw TestFailure() }
        let payload = try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 2, backoff: "86400"))
        let worker = bed.worker(try TestHandler.registry(handler))
        let run = bed.start(worker)
        await eventually("first release") { bed.events.released.count == 1 }
        bed.clock.advance(86_400)
        await eventually("second release, not a failure") { bed.events.released.count == 2 }
        worker.stop()
        _ = await run.value
        XCTAssertEqual(bed.events.failed.count, 0)
        let counter = try await bed.cache.get(counterKey(payload.uuid))
        XCTAssertEqual(counter, .int(1), "counted again from the start")
    }

    /// A PHP worker already counted one exception: the Swift worker's first one reaches maxExceptions 2.
    func testAnExistingCounterIsContinued() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler { _ in throw TestFailure() }
        let payload = try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 2))
        try await bed.cache.put(counterKey(payload.uuid), .int(1), seconds: 86_400)
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true)).run()
        XCTAssertEqual(handler.runs, 1)
        XCTAssertEqual(bed.events.released.count, 0)
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.count, 1)
    }

    func testWithoutCacheMaxExceptionsIsNotEnforced() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler { context in if context.attempts < 3 { throw TestFailure() } }
        try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 1))
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true), services: bed.services(cache: false)).run()
        XCTAssertEqual(handler.runs, 3, "Laravel skips the rule when the worker has no cache")
        let rows = try await bed.failedJobs()
        XCTAssertTrue(rows.isEmpty)
    }

    /// Timeouts count too (§6.5 step 3).
    func testTimeoutsCountTowardsMaxExceptions() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler { _ in try await Task.sleep(for: .seconds(30)) }
        try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 1, timeout: 1))
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true)).run()
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map { $0.exception.hasPrefix("Illuminate\\Queue\\TimeoutExceededException") }, [true])
    }
}
