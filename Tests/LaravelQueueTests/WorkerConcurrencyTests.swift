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

/// `concurrency` jobs at once (never more), and reservations that outlive `retry_after` while a job runs.
final class WorkerConcurrencyTests: XCTestCase {
    /// Counts handlers running at the same time.
    final class Overlap: Sendable {
        private let state = Mutex<(running: Int, maximum: Int, started: Int)>((0, 0, 0))
        func enter() { state.withLock { $0.running += 1; $0.started += 1; $0.maximum = max($0.maximum, $0.running) } }
        func leave() { state.withLock { $0.running -= 1 } }
        var running: Int { state.withLock { $0.running } }
        var maximum: Int { state.withLock { $0.maximum } }
        var started: Int { state.withLock { $0.started } }
    }

    func testRunsConcurrencyJobsAtOnce() async throws {
        let bed = try await WorkerTestBed()
        addTeardownBlock { try await bed.cleanUp() }
        let overlap = Overlap()
        let allIn = Gate()
        let handler = TestHandler { _ in
            overlap.enter()
            defer { overlap.leave() }
            if overlap.running == 3 { allIn.open() }
            await allIn.wait()  // only opens once three run together
        }
        for i in 1...3 { try await bed.push(value: i) }
        let worker = bed.worker(try TestHandler.registry(handler), options: .test(concurrency: 3, stopWhenEmpty: true))
        let run = bed.start(worker)
        await eventually("three handlers inside at once") { allIn.isOpen }
        allIn.open()  // let them go even if the assertion above failed
        let exit = await run.value
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        XCTAssertEqual(overlap.maximum, 3)
        XCTAssertEqual(bed.events.deleted.count, 3)
    }

    func testNeverRunsMoreThanConcurrency() async throws {
        let bed = try await WorkerTestBed()
        addTeardownBlock { try await bed.cleanUp() }
        let overlap = Overlap()
        let release = Gate()
        let handler = TestHandler { _ in
            overlap.enter()
            defer { overlap.leave() }
            await release.wait()
        }
        for i in 1...5 { try await bed.push(value: i) }
        let worker = bed.worker(try TestHandler.registry(handler), options: .test(concurrency: 2, stopWhenEmpty: true))
        let run = bed.start(worker)
        await eventually("two started") { overlap.started == 2 }
        try await Task.sleep(for: .milliseconds(300))  // many loop rounds: none may start a third
        XCTAssertEqual(overlap.started, 2)
        let reserved = try await bed.reserved(), ready = try await bed.ready()
        XCTAssertEqual(reserved.count, 2, "only what runs is reserved")
        XCTAssertEqual(ready.count, 3)
        release.open()
        _ = await run.value
        XCTAssertEqual(overlap.maximum, 2)
        XCTAssertEqual(bed.events.deleted.count, 5)
    }

    /// A job running past retry_after keeps its reservation: the score moves forward, and another worker's
    /// migration (which moves every reservation whose score ≤ now) does not take it.
    func testLongJobKeepsItsReservation() async throws {
        let bed = try await WorkerTestBed(retryAfter: 2, realClock: true)
        addTeardownBlock { try await bed.cleanUp() }
        let gate = Gate()
        let handler = TestHandler { _ in await gate.wait() }
        try await bed.push()
        let worker = bed.worker(try TestHandler.registry(handler), options: .test())
        let run = bed.start(worker)
        await eventually("job reserved") { handler.runs == 1 }
        let first = try await bed.reserved()
        let originalScore = try XCTUnwrap(first.first?.score)
        await eventually("reservation renewed", timeout: .seconds(4)) {
            ((try? await bed.reserved())?.first?.score ?? 0) > originalScore
        }
        // Wait until the original reservation would have expired, then migrate as another worker does.
        await eventually("original reservation expired", timeout: .seconds(4)) { Int(Date().timeIntervalSince1970) >= originalScore }
        let otherWorkersQueue = RedisQueue(redis: bed.redis, retryAfter: 2)
        let moved = try await otherWorkersQueue.migrate()
        XCTAssertEqual(moved, 0, "the renewed reservation is not expired")
        let ready = try await bed.ready(), reserved = try await bed.reserved()
        XCTAssertTrue(ready.isEmpty)
        XCTAssertEqual(reserved.count, 1)

        gate.open()
        await eventually("done") { bed.events.deleted.count == 1 }
        worker.stop()
        _ = await run.value
        XCTAssertEqual(handler.runs, 1, "run once, never handed out twice")
        let after = try await bed.reserved()
        XCTAssertTrue(after.isEmpty, "deleted by the reserved bytes, which renewal kept unchanged")
    }
}
