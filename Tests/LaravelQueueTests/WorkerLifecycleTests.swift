import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import PHPSerialization
import TestSupport
import XCTest

/// One job's life under `Worker.run()` on a real Redis: delete, release with backoff, fail into `failed_jobs`
/// (spec §6.2–§6.6, §10 #8–#12).
final class WorkerLifecycleTests: XCTestCase {
    private func makeBed(retryAfter: Int = 30) async throws -> WorkerTestBed {
        let bed = try await WorkerTestBed(retryAfter: retryAfter)
        addTeardownBlock { try await bed.cleanUp() }
        return bed
    }

    /// The payload as PHP would hold it after `attempts` earlier attempts (a released job's cjson copy
    /// aside, only the count differs).
    static func withAttempts(_ payload: Payload, _ attempts: Int) throws -> [UInt8] {
        let text = payload.rawText
        XCTAssertTrue(text.contains("\"attempts\":0"))
        return Array(text.replacingOccurrences(of: "\"attempts\":0", with: "\"attempts\":\(attempts)").utf8)
    }

    func testSuccessfulJobRunsOnceWithItsCommandAndIsDeleted() async throws {
        let bed = try await makeBed()
        let seen = Gate()
        let handler = TestHandler { context in
            XCTAssertEqual(context.attempts, 1)
            XCTAssertEqual(context.property("value"), .int(42))
            XCTAssertEqual(context.job.queue, "default")
            seen.open()
        }
        let payload = try await bed.push(value: 42)
        let exit = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true)).run()

        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        XCTAssertTrue(seen.isOpen)
        XCTAssertEqual(handler.runs, 1)
        XCTAssertEqual(bed.events.deleted.map(\.rawBody), [payload.rawBytes])
        let reserved = try await bed.reserved(), ready = try await bed.ready(), failed = try await bed.failedJobs()
        XCTAssertTrue(reserved.isEmpty, "ZREM of the exact reserved bytes")
        XCTAssertTrue(ready.isEmpty)
        XCTAssertTrue(failed.isEmpty)
        XCTAssertEqual(handler.failedCalls, 0)
    }

    /// §10 #8: backoff "10,60", 4 tries, failing every time.
    func testBackoffListReleasesAtEachDelayWithAttemptsCarriedThenFails() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { _ in throw TestFailure() }
        let payload = try await bed.push(options: JobOptions(maxTries: 4, backoff: "10,60"))
        let worker = bed.worker(try TestHandler.registry(handler), options: .test(tries: 1, backoff: "5"))
        let run = bed.start(worker)

        var lastMember: [UInt8] = []
        for (attempt, delay) in [(1, 10), (2, 60), (3, 60)] {
            await eventually("release \(attempt)") { bed.events.released.count == attempt }
            let released = bed.events.released[attempt - 1]
            XCTAssertEqual(released.delay, delay)
            let delayed = try await bed.delayed()
            XCTAssertEqual(delayed.count, 1)
            XCTAssertEqual(delayed.first?.score, bed.clock.now + delay, "released at now + \(delay)")
            XCTAssertEqual(delayed.first?.member, released.job.reserved, "the reserved bytes, unchanged")
            XCTAssertEqual(Payload.attempts(of: delayed.first?.member ?? []), attempt)
            let reserved = try await bed.reserved()
            XCTAssertTrue(reserved.isEmpty)
            lastMember = delayed.first?.member ?? []
            bed.clock.advance(delay)
        }
        await eventually("fourth failure") { bed.events.failed.count == 1 }
        worker.stop()
        let exit = await run.value

        XCTAssertEqual(exit, .stopped(reason: "signal"))
        XCTAssertEqual(handler.runs, 4)
        XCTAssertEqual(handler.failedCalls, 1, "failed() once, on the last attempt only")
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows.first?.uuid, payload.uuid)
        XCTAssertEqual(rows.first?.payload, lastMember, "failed_jobs.payload = the bytes LPOPed for the last attempt")
        XCTAssertEqual(Payload.attempts(of: rows.first?.payload ?? []), 3)
        let delayed = try await bed.delayed(), reserved = try await bed.reserved(), ready = try await bed.ready()
        XCTAssertTrue(delayed.isEmpty && reserved.isEmpty && ready.isEmpty)
    }

    /// §10 #9: no backoff anywhere → now + `--backoff`; a v12.11+ `later(40)` job → now + 40; older → `--backoff`.
    func testReleaseDelayFallsBackToTheDispatchDelayThenTheWorkerBackoff() async throws {
        for (version, delay, expected) in [(LaravelVersion.v12, Optional(40), 40), (.v11, Optional(40), 3), (.v12, nil, 3)] {
            let bed = try await makeBed()
            let handler = TestHandler { _ in throw TestFailure() }
            let payload = try WorkerTestBed.payload(options: JobOptions(maxTries: 2), delay: delay, version: version)
            try await bed.queue.pushRaw(payload.rawBytes)  // as if migrated from :delayed after its 40 s
            let worker = bed.worker(try TestHandler.registry(handler), options: .test(backoff: "3"), version: version)
            let run = bed.start(worker)
            await eventually("release") { bed.events.released.count == 1 }
            worker.stop()
            _ = await run.value
            XCTAssertEqual(bed.events.released.first?.delay, expected, "\(version) delay \(String(describing: delay))")
            let delayed = try await bed.delayed()
            XCTAssertEqual(delayed.map(\.score), [bed.clock.now + expected])
        }
    }

    /// §10 #10: tries 3, failing thrice: one failed_jobs row, payload = LPOPed bytes (attempts 2), PHP-format text.
    func testThirdFailureRecordsTheLPOPedBytesAndPHPExceptionText() async throws {
        let bed = try await makeBed()
        try await assertThirdFailureRecorded(bed)
    }

    /// The same on PostgreSQL's `failed_jobs`.
    func testThirdFailureIsRecordedOnPostgres() async throws {
        let db = try await QueueTestDatabases.postgres()
        addTeardownBlock { try await db.cleanup() }
        let bed = try await WorkerTestBed(failer: db.connection)
        addTeardownBlock { try await bed.cleanUp() }
        try await assertThirdFailureRecorded(bed)
    }

    private func assertThirdFailureRecorded(_ bed: WorkerTestBed, file: StaticString = #filePath, line: UInt = #line) async throws {
        let handler = TestHandler { _ in throw JobException("App\\Exceptions\\PaymentDeclined", "card refused", file: "/app/Jobs/Charge.php", line: 31) }
        let payload = try await bed.push("App\\Jobs\\Charge")
        var registry = JobRegistry()
        try registry.register("App\\Jobs\\Charge", handler)
        let worker = bed.worker(registry, options: .test(tries: 3))
        let run = bed.start(worker)
        await eventually("failure") { bed.events.failed.count == 1 }
        worker.stop()
        _ = await run.value

        XCTAssertEqual(handler.runs, 3, file: file, line: line)
        XCTAssertEqual(bed.events.released.count, 2, file: file, line: line)
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.count, 1, file: file, line: line)
        let row = try XCTUnwrap(rows.first)
        XCTAssertEqual(row.uuid, payload.uuid, file: file, line: line)
        XCTAssertEqual(row.connection, "redis", file: file, line: line)
        XCTAssertEqual(row.queue, "default", file: file, line: line)
        XCTAssertEqual(row.payload, bed.events.released[1].job.reserved, "the second release's member, LPOPed", file: file, line: line)
        XCTAssertEqual(Payload.attempts(of: row.payload), 2, file: file, line: line)
        XCTAssertEqual(row.exception, "App\\Exceptions\\PaymentDeclined: card refused in /app/Jobs/Charge.php:31\nStack trace:\n#0 {main}", file: file, line: line)
        let reserved = try await bed.reserved()
        XCTAssertTrue(reserved.isEmpty, "the reserved member is deleted", file: file, line: line)
    }

    func testSwiftErrorsAreRecordedAsRuntimeException() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { _ in throw TestFailure(message: "disk full") }
        try await bed.push()
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true)).run()
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map(\.exception), ["RuntimeException: disk full in shuttle:0\nStack trace:\n#0 {main}"])
    }

    /// §10 #11: attempts() already above maxTries at pop: failed with the version's text, handler not run.
    func testPreCheckFailsAnExhaustedJobWithoutRunningIt() async throws {
        let texts = [
            (LaravelVersion.v12, "Illuminate\\Queue\\MaxAttemptsExceededException: App\\Jobs\\TestJob has been attempted too many times. in shuttle:0\nStack trace:\n#0 {main}"),
            (LaravelVersion(10, 9), "Illuminate\\Queue\\MaxAttemptsExceededException: App\\Jobs\\TestJob has been attempted too many times or run too long. The job may have previously timed out. in shuttle:0\nStack trace:\n#0 {main}"),
        ]
        for (version, text) in texts {
            let bed = try await makeBed()
            let handler = TestHandler()
            let payload = try WorkerTestBed.payload(options: JobOptions(maxTries: 3), version: version)
            let exhausted = try Self.withAttempts(payload, 3)  // a 4th attempt
            _ = try await bed.redis.send(.rpush("queues:default", exhausted))
            let exit = await bed.worker(try TestHandler.registry(handler), options: .test(tries: 0, stopWhenEmpty: true), version: version).run()
            XCTAssertEqual(exit, .stopped(reason: "queue empty"))
            XCTAssertEqual(handler.runs, 0, "\(version)")
            XCTAssertEqual(handler.failedCalls, 1)
            XCTAssertTrue(handler.failedHookHadCommand, "failed() sees the command")
            let rows = try await bed.failedJobs()
            XCTAssertEqual(rows.map(\.exception), [text])
            XCTAssertEqual(rows.map(\.payload), [exhausted])
            let reserved = try await bed.reserved()
            XCTAssertTrue(reserved.isEmpty)
        }
    }

    /// §10 #12: tries 0 never fails for attempts (worker option or payload maxTries 0).
    func testZeroTriesRetriesUntilSuccess() async throws {
        for (workerTries, maxTries) in [(0, Optional<Int>.none), (1, Optional(0))] {
            let bed = try await makeBed()
            let handler = TestHandler { context in if context.attempts < 6 { throw TestFailure() } }
            try await bed.push(options: JobOptions(maxTries: maxTries))
            let exit = await bed.worker(try TestHandler.registry(handler), options: .test(tries: workerTries, stopWhenEmpty: true)).run()
            XCTAssertEqual(exit, .stopped(reason: "queue empty"))
            XCTAssertEqual(handler.runs, 6)
            XCTAssertEqual(bed.events.released.count, 5)
            XCTAssertEqual(bed.events.deleted.count, 1)
            let rows = try await bed.failedJobs()
            XCTAssertTrue(rows.isEmpty)
        }
    }

    /// §10 #12: retryUntil in the future overrides maxTries; reached → failed on the next exception; past → at pop.
    func testRetryUntilOverridesTries() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { context in if context.attempts < 4 { throw TestFailure() } }
        try await bed.push(options: JobOptions(maxTries: 1, retryUntil: bed.clock.now + 60))
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true)).run()
        XCTAssertEqual(handler.runs, 4, "retryUntil ahead: attempts beyond maxTries run")
        let rows = try await bed.failedJobs()
        XCTAssertTrue(rows.isEmpty)

        let reached = try await makeBed()
        let thrower = TestHandler { _ in throw TestFailure() }
        try await reached.push(options: JobOptions(maxTries: 0, retryUntil: reached.clock.now))
        _ = await reached.worker(try TestHandler.registry(thrower), options: .test(stopWhenEmpty: true)).run()
        XCTAssertEqual(thrower.runs, 1, "now ≤ retryUntil runs; the exception then fails it")
        let reachedRows = try await reached.failedJobs()
        XCTAssertEqual(reachedRows.count, 1)
        XCTAssertEqual(reached.events.released.count, 0)

        let past = try await makeBed()
        let never = TestHandler()
        try await past.push(options: JobOptions(maxTries: 5, retryUntil: past.clock.now - 1))
        _ = await past.worker(try TestHandler.registry(never), options: .test(stopWhenEmpty: true)).run()
        XCTAssertEqual(never.runs, 0)
        let pastRows = try await past.failedJobs()
        XCTAssertEqual(pastRows.map { $0.exception.hasPrefix("Illuminate\\Queue\\MaxAttemptsExceededException: App\\Jobs\\TestJob has been attempted too many times.") }, [true])
    }

    func testContextReleaseDeleteAndFail() async throws {
        let bed = try await makeBed()
        let releaser = TestHandler { $0.release(delay: 7) }
        let deleter = TestHandler { context in context.delete(); throw TestFailure() }
        let failer = TestHandler { $0.fail() }
        var registry = JobRegistry()
        try registry.register("App\\Jobs\\Releases", releaser)
        try registry.register("App\\Jobs\\Deletes", deleter)
        try registry.register("App\\Jobs\\Fails", failer)
        let released = try await bed.push("App\\Jobs\\Releases", options: JobOptions(maxTries: 5))
        try await bed.push("App\\Jobs\\Deletes", options: JobOptions(maxTries: 5))
        let failed = try await bed.push("App\\Jobs\\Fails", options: JobOptions(maxTries: 5))
        let exit = await bed.worker(registry, options: .test(stopWhenEmpty: true)).run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))

        XCTAssertEqual([releaser.runs, deleter.runs, failer.runs], [1, 1, 1])
        let delayed = try await bed.delayed()
        XCTAssertEqual(delayed.map(\.score), [bed.clock.now + 7])
        XCTAssertEqual(delayed.first.flatMap { try? Payload(bytes: $0.member) }?.uuid, released.uuid)
        XCTAssertEqual(Payload.attempts(of: delayed.first?.member ?? []), 1)
        XCTAssertEqual(bed.events.deleted.map(\.className), ["App\\Jobs\\Deletes"], "deleted by the handler: no retry, no failure")
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map(\.uuid), [failed.uuid], "fail() fails at once despite attempts left")
        XCTAssertTrue(rows.first?.exception.hasPrefix("Illuminate\\Queue\\ManuallyFailedException in ") ?? false, rows.first?.exception ?? "")
        XCTAssertEqual([releaser.failedCalls, deleter.failedCalls, failer.failedCalls], [0, 0, 1])
        let reserved = try await bed.reserved(), ready = try await bed.ready()
        XCTAssertTrue(reserved.isEmpty && ready.isEmpty)
    }

    func testNoFailedJobStoreStillTakesTheJobOffTheQueue() async throws {
        let bed = try await makeBed()
        let handler = TestHandler { _ in throw TestFailure() }
        try await bed.push()
        let worker = Worker(queue: bed.queue, registry: try TestHandler.registry(handler), options: .test(stopWhenEmpty: true),
                            services: bed.services(failer: false), maintenanceInterval: .milliseconds(50))
        _ = await worker.run()
        XCTAssertEqual(handler.failedCalls, 1)
        let reserved = try await bed.reserved(), rows = try await bed.failedJobs()
        XCTAssertTrue(reserved.isEmpty, "like Laravel's null failer")
        XCTAssertTrue(rows.isEmpty)
    }
}
