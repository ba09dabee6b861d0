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

/// Spec §6.4 / §10 #14: `maxExceptions` counts in the cache key `job-exceptions:<uuid>`, shared with PHP workers.
final class WorkerMaxExceptionsTests: XCTestCase {
    private func makeBed() async throws -> WorkerTestBed {
        let bed = try await WorkerTestBed()
        addTeardownBlock { try await bed.cleanUp() }
        return bed
    }

    /// The key as PHP's RedisStore writes it: cache prefix + key, under the connection's prefix.
    private func counterKey(_ uuid: String?) -> String { WorkerTestBed.cachePrefix + "job-exceptions:" + (uuid ?? "") }

    func testFailsOnTheNthExceptionAndForgetsTheCounter() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { _ in throw TestFailure() }
        let payload = try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 3))
        let worker = bed.worker(try TestHandler.registry(handler), options: .test())
        let run = bed.start(worker)

        await eventually("first release") { bed.events.released.count == 1 }
        let value = try await bed.redis.send(.get(counterKey(payload.uuid))).string
        XCTAssertEqual(value, "1", "a bare number, as PHP's RedisStore stores numbers")
        let ttl = try await bed.redis.send(.ttl(counterKey(payload.uuid))).int ?? 0
        XCTAssertGreaterThan(ttl, 86_000, "put with a one-day TTL when absent")

        await eventually("failure") { bed.events.failed.count == 1 }
        worker.stop()
        _ = await run.value
        XCTAssertEqual(handler.runs, 3)
        XCTAssertEqual(bed.events.released.count, 2)
        let exists = try await bed.redis.send(.exists(counterKey(payload.uuid))).int
        XCTAssertEqual(exists, 0, "forgotten when it fails the job")
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map(\.uuid), [payload.uuid])
    }

    /// A PHP worker already counted one exception: the Swift worker's first one reaches maxExceptions 2.
    func testCounterIsSharedWithPHPWorkers() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { _ in throw TestFailure() }
        let payload = try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 2))
        _ = try await bed.redis.send(.set(counterKey(payload.uuid), "1", ex: 86_400))
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true)).run()
        XCTAssertEqual(handler.runs, 1)
        XCTAssertEqual(bed.events.released.count, 0)
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.count, 1)
    }

    func testWithoutCacheMaxExceptionsIsNotEnforced() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { context in if context.attempts < 3 { throw TestFailure() } }
        try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 1))
        let worker = Worker(queue: bed.queue, registry: try TestHandler.registry(handler), options: .test(stopWhenEmpty: true),
                            services: bed.services(cache: false), maintenanceInterval: .milliseconds(50))
        _ = await worker.run()
        XCTAssertEqual(handler.runs, 3, "Laravel skips the rule when the worker has no cache")
        let rows = try await bed.failedJobs()
        XCTAssertTrue(rows.isEmpty)
    }

    /// Timeouts count too (§6.5 step 3).
    func testTimeoutsCountTowardsMaxExceptions() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { _ in try await Task.sleep(for: .seconds(30)) }
        try await bed.push(options: JobOptions(maxTries: 10, maxExceptions: 1, timeout: 1))
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true)).run()
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map { $0.exception.hasPrefix("Illuminate\\Queue\\TimeoutExceededException") }, [true])
    }
}
