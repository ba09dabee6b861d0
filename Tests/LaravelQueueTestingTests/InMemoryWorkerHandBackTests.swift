import Foundation
@testable import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import XCTest

/// What the worker does on an `InMemoryQueue` with what it cannot run: jobs of unregistered classes go back
/// untouched; list elements that are not jobs become failed jobs, never drops. `WorkerHandBackTests` checks
/// the same on Redis.
final class InMemoryWorkerHandBackTests: XCTestCase {
    /// A failed-job store that is down: every call throws.
    struct UnreachableFailer: FailedJobProvider {
        struct Down: Error {}
        func log(connection: String, queue: String, payload: [UInt8], exception: String) async throws -> String? { throw Down() }
        func log(connection: String, queue: String, payloadText: String, exception: String, uuid: String) async throws -> String? { throw Down() }
        func ids(queue: String?) async throws -> [String] { throw Down() }
        func all() async throws -> [FailedJobRecord] { throw Down() }
        func find(_ id: String) async throws -> FailedJobRecord? { throw Down() }
        func forget(_ id: String) async throws -> Bool { throw Down() }
        func flush(hours: Int?) async throws { throw Down() }
        func count(connection: String?, queue: String?) async throws -> Int { throw Down() }
    }

    func testUnregisteredJobGoesBackWithItsOriginalBytesWhileKnownJobsRun() async throws {
        let bed = InMemoryWorkerBed()
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
        XCTAssertEqual(bed.ready(), [foreign.rawBytes], "original bytes: attempts unspent, not the reserved copy")
        XCTAssertTrue(bed.reserved().isEmpty)
        let rows = try await bed.failedJobs()
        XCTAssertTrue(rows.isEmpty)
    }

    func testHandBackToAnotherQueueAppendsThereWithAToken() async throws {
        let bed = InMemoryWorkerBed()
        let foreign = try await bed.push("App\\Jobs\\PhpOnly")
        var options = WorkerOptions.test(stopWhenEmpty: true)
        options.handBackTo = "php"
        let exit = await bed.worker(try TestHandler.registry(TestHandler()), options: options).run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        XCTAssertTrue(bed.ready().isEmpty)
        XCTAssertEqual(bed.ready("php"), [foreign.rawBytes])
        XCTAssertEqual(bed.events.handedBack.map(\.queue), ["php"])
        XCTAssertEqual(bed.queue.notifyTokens(queue: "php"), 1, "a notify token wakes a blocked PHP worker")
    }

    /// Elements Laravel's pop script would lose (not JSON, no numeric attempts) and bytes failed_jobs cannot
    /// hold (not UTF-8, no uuid) all get a failed job row.
    func testQuarantinedElementsBecomeFailedJobRows() async throws {
        let bed = InMemoryWorkerBed()
        let notJSON = Array("definitely not json".utf8)
        let notUTF8: [UInt8] = [0x7B, 0xFF, 0xFE, 0x7D]
        let noAttempts = Array(#"{"uuid":"b9d1f0c4-0000-4000-8000-000000000001","job":"App\\Jobs\\X"}"#.utf8)
        for element in [notJSON, notUTF8, noAttempts] { bed.queue.appendUnchecked(element) }
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

        let withUUID = try await bed.failer.find("b9d1f0c4-0000-4000-8000-000000000001")
        XCTAssertEqual(withUUID?.payload, noAttempts, "a well-formed element keeps its own uuid and bytes")

        let quarantine = try await bed.queue.quarantined()
        XCTAssertTrue(quarantine.isEmpty)
        XCTAssertEqual(bed.events.rejected, [notJSON, notUTF8, noAttempts])
    }

    /// What a crashed worker left in quarantine is recorded by the next one, once.
    func testLeftoverQuarantineIsRecordedAtStartOnlyOnce() async throws {
        let bed = InMemoryWorkerBed()
        let element = Array("left behind".utf8)
        for _ in 0..<2 {
            bed.queue.appendToQuarantine(element)
            _ = await bed.worker(try TestHandler.registry(TestHandler()), options: .test(stopWhenEmpty: true)).run()
            let left = try await bed.queue.quarantined()
            XCTAssertTrue(left.isEmpty)
        }
        let rows = try await bed.failedJobs()
        XCTAssertEqual(rows.map(\.payload), [element], "the same bytes map to the same uuid: one row")
    }

    /// When failed jobs cannot be written, nothing is dropped: the failing job stays reserved (it comes back
    /// after retry_after) and a quarantined element stays in quarantine.
    func testUnreachableFailedJobStoreLosesNothing() async throws {
        let bed = InMemoryWorkerBed()
        let handler = TestHandler { _ in throw TestFailure() }
        let payload = try await bed.push()
        bed.queue.appendUnchecked(Array("garbage".utf8))
        var services = bed.services()
        services.failer = UnreachableFailer()
        _ = await bed.worker(try TestHandler.registry(handler), options: .test(stopWhenEmpty: true), services: services).run()

        XCTAssertEqual(handler.runs, 1)
        XCTAssertEqual(handler.failedCalls, 0, "not failed for good while unrecorded")
        XCTAssertEqual(bed.reserved().map { Payload.uuid(of: $0.member) }, [payload.uuid])
        let quarantine = try await bed.queue.quarantined()
        XCTAssertEqual(quarantine.map(\.bytes), [Array("garbage".utf8)])
    }
}
