import Database
import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import Redis
import TestSupport
import XCTest

/// What the worker does with what it cannot run: jobs of unregistered classes go back to PHP untouched;
/// list elements that are not jobs become failed jobs, never drops.
final class WorkerHandBackTests: XCTestCase {
    private func makeBed() async throws -> WorkerTestBed {
        let bed = try await WorkerTestBed()
        addTeardownBlock { try await bed.cleanUp() }
        return bed
    }

    func testUnregisteredJobGoesBackWithItsOriginalBytesWhileKnownJobsRun() async throws {
        let bed = try await makeBed()
        let handler = TestHandler()
        let foreign = try await bed.push("App\\Jobs\\PhpOnly")
        let known = try await bed.push()
        let worker = bed.worker(try TestHandler.registry(handler), options: .test(concurrency: 2))
        let run = bed.start(worker)
        await eventually("known job done and foreign one handed back") {
            bed.events.deleted.count == 1 && bed.events.handedBack.count >= 1
        }
        worker.stop()
        _ = await run.value

        XCTAssertEqual(handler.runs, 1)
        XCTAssertEqual(bed.events.deleted.first?.uuid, known.uuid)
        let ready = try await bed.ready(), reserved = try await bed.reserved()
        XCTAssertEqual(ready, [foreign.rawBytes], "original bytes: attempts unspent, not the cjson copy")
        XCTAssertTrue(reserved.isEmpty)
        let rows = try await bed.failedJobs()
        XCTAssertTrue(rows.isEmpty)
    }

    /// With only foreign jobs waiting the worker must not spin: it backs off (1 s, 2 s, …) between rounds.
    func testOnlyForeignJobsWaitingMakesTheWorkerBackOff() async throws {
        let bed = try await makeBed()
        let foreign = try await bed.push("App\\Jobs\\PhpOnly")
        let worker = bed.worker(try TestHandler.registry(TestHandler()), options: .test())
        let run = bed.start(worker)
        try await Task.sleep(for: .milliseconds(2500))
        worker.stop()
        _ = await run.value

        // Rounds at about 0 s, 1 s and 3 s; a worker without backoff would pop it every --sleep (50 ms).
        let rounds = bed.events.handedBack.count
        XCTAssertGreaterThanOrEqual(rounds, 1)
        XCTAssertLessThanOrEqual(rounds, 4, "hand-back rounds in 2.5 s")
        let ready = try await bed.ready()
        XCTAssertEqual(ready, [foreign.rawBytes])
        XCTAssertEqual(Payload.attempts(of: ready.first ?? []), 0)
    }

    /// Without `--hand-back-to` a foreign job goes to the tail of its own queue, so the job queued behind it
    /// runs (back at the head, one worker would pop it again and again and never reach that job).
    func testHandBackWithoutATargetGoesToTheTailOfItsOwnQueue() async throws {
        let bed = try await makeBed()
        let handler = TestHandler()
        let foreign = try await bed.push("App\\Jobs\\PhpOnly")
        let known = try await bed.push()
        let worker = bed.worker(try TestHandler.registry(handler), options: .test(concurrency: 1))
        let run = bed.start(worker)
        await eventually("the job behind the foreign one done") { bed.events.deleted.count == 1 }
        worker.stop()
        _ = await run.value

        XCTAssertEqual(bed.events.deleted.first?.uuid, known.uuid)
        XCTAssertEqual(bed.events.handedBack.first?.uuid, foreign.uuid)
        let ready = try await bed.ready()
        XCTAssertEqual(ready, [foreign.rawBytes])
    }

    func testHandBackToAnotherQueueAppendsThere() async throws {
        let bed = try await makeBed()
        let foreign = try await bed.push("App\\Jobs\\PhpOnly")
        var options = WorkerOptions.test(stopWhenEmpty: true)
        options.handBackTo = "php"
        let exit = await bed.worker(try TestHandler.registry(TestHandler()), options: options).run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        let here = try await bed.ready(), there = try await bed.ready("php")
        XCTAssertTrue(here.isEmpty)
        XCTAssertEqual(there, [foreign.rawBytes])
        let notify = try await bed.redis.send(RedisCommand("LLEN", [.key("queues:php:notify")])).int
        XCTAssertEqual(notify, 1, "a notify token wakes a blocked PHP worker")
    }

    /// Elements Laravel's pop script would lose (not JSON, no numeric attempts) and bytes failed_jobs cannot
    /// hold (not UTF-8, no uuid) all get a failed_jobs row.
    func testQuarantinedElementsBecomeFailedJobRows() async throws {
        let bed = try await makeBed()
        let notJSON = Array("definitely not json".utf8)
        let notUTF8: [UInt8] = [0x7B, 0xFF, 0xFE, 0x7D]
        let noAttempts = Array(#"{"uuid":"b9d1f0c4-0000-4000-8000-000000000001","job":"App\\Jobs\\X"}"#.utf8)
        for element in [notJSON, notUTF8, noAttempts] {
            _ = try await bed.redis.send(.rpush("queues:default", element))
        }
        let exit = await bed.worker(try TestHandler.registry(TestHandler()), options: .test(stopWhenEmpty: true)).run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))

        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.count, 3)
        let plain = try await bed.failer.find(FailedJobRecorder.derivedUUID(queue: "default", bytes: notJSON))
        XCTAssertEqual(plain?.payload, notJSON)
        XCTAssertEqual(plain?.queue, "default")
        XCTAssertTrue(plain?.exception.hasPrefix("Shuttle\\InvalidPayloadException: ") ?? false)
        XCTAssertTrue(plain?.exception.hasSuffix(Data(notJSON).base64EncodedString()) ?? false, plain?.exception ?? "")

        let binary = try await bed.failer.find(FailedJobRecorder.derivedUUID(queue: "default", bytes: notUTF8))
        XCTAssertEqual(binary?.payload, Array("{??}".utf8), "invalid UTF-8 replaced as mb_convert_encoding does")
        XCTAssertTrue(binary?.exception.hasSuffix("base64: " + Data(notUTF8).base64EncodedString()) ?? false, binary?.exception ?? "")

        let withUUID = try await bed.failer.find("b9d1f0c4-0000-4000-8000-000000000001")
        XCTAssertEqual(withUUID?.payload, noAttempts, "a well-formed element keeps its own uuid and bytes")

        let quarantine = try await bed.queue.quarantined()
        XCTAssertTrue(quarantine.isEmpty)
        XCTAssertEqual(bed.events.all.filter { if case .rejected = $0 { return true } else { return false } }.count, 3)
    }

    /// What a crashed worker left in quarantine is recorded by the next one, once.
    func testLeftoverQuarantineIsRecordedAtStartOnlyOnce() async throws {
        let bed = try await makeBed()
        let element = Array("left behind".utf8)
        for _ in 0..<2 {
            _ = try await bed.redis.send(.rpush("queues:default:shuttle-quarantine", element))
            _ = await bed.worker(try TestHandler.registry(TestHandler()), options: .test(stopWhenEmpty: true)).run()
            let left = try await bed.queue.quarantined()
            XCTAssertTrue(left.isEmpty)
        }
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map(\.payload), [element], "the same bytes map to the same uuid: one row")
    }

    /// When failed_jobs cannot be written, nothing is dropped: the failing job stays reserved (it comes back
    /// after retry_after) and a quarantined element stays in quarantine.
    func testUnwritableFailedJobStoreLosesNothing() async throws {
        let bed = try await makeBed()
        let broken = DatabaseUuidFailedJobProvider(connection: bed.failer.connection, table: "no_such_table")
        let handler = TestHandler { _ in throw TestFailure() }
        let payload = try await bed.push()
        _ = try await bed.redis.send(.rpush("queues:default", Array("garbage".utf8)))
        var services = bed.services()
        services.failer = broken
        let worker = Worker(queue: bed.queue, registry: try TestHandler.registry(handler), options: .test(stopWhenEmpty: true),
                            services: services, maintenanceInterval: .milliseconds(50))
        _ = await worker.run()

        XCTAssertEqual(handler.runs, 1)
        XCTAssertEqual(handler.failedCalls, 0, "not failed for good while unrecorded")
        let reserved = try await bed.reserved()
        XCTAssertEqual(reserved.map { (try? Payload(bytes: $0.member))?.uuid }, [payload.uuid])
        let quarantine = try await bed.queue.quarantined()
        XCTAssertEqual(quarantine.map(\.bytes), [Array("garbage".utf8)])
    }
}
