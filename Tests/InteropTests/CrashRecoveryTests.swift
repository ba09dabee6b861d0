import Foundation
import XCTest

/// A worker SIGKILLed mid-job leaves the job in `:reserved`; after retry_after the other runtime's migrate step
/// moves it back with its incremented attempts and runs it (§3.10, §10 #6, #7).
final class CrashRecoveryTests: InteropTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        environment["REDIS_QUEUE_RETRY_AFTER"] = "3"
    }

    func testPHPWorkerRerunsAJobWhoseShuttleWorkerWasKilled() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","sleep":3,"tries":3}"#).first)
        let shuttle = try startShuttle("s1", ["--sleep", "0.2"])
        try waitForRecord("rec", "Shuttle to start the job") { $0.byShuttle && $0.outcome == "started" }
        shuttle.kill()
        XCTAssertEqual(shuttle.waitForExit(timeout: 5), .signalled(SIGKILL))
        XCTAssertEqual(try queueSizes().reserved, 1, "the job stays reserved")

        let php = try startPHPWorker("p1", ["--sleep=0.2"])
        try waitForRecord("rec", "the PHP worker to finish the job") { $0.byPHP && $0.outcome == "ok" }
        php.send(SIGTERM)
        XCTAssertEqual(try waitForExit(php), .exited(0), php.stderr)

        XCTAssertEqual(try records("rec").map(\.description), ["started#1@shuttle:s1", "started#2@php:p1", "ok#2@php:p1"])
        XCTAssertTrue(try records("rec").allSatisfy { $0.uuid == job.uuid })
        // PHP's RedisJob::attempts() = 2, from the reserved (cjson-re-encoded) bytes Shuttle left behind.
        let processed = php.events.filter { $0["event"] as? String == "processed" }
        XCTAssertEqual(processed.map { $0["attempts"] as? Int }, [2])
        XCTAssertEqual(processed.map { $0["uuid"] as? String }, [job.uuid])
        try assertQueueEmpty()
        XCTAssertEqual(try failedJobs().count, 0)
    }

    func testShuttleRerunsAJobWhosePHPWorkerWasKilled() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","sleep":3,"tries":3}"#).first)
        let php = try startPHPWorker("p1", ["--sleep=0.2"])
        try waitForRecord("rec", "the PHP worker to start the job") { $0.byPHP && $0.outcome == "started" }
        php.kill()
        XCTAssertEqual(php.waitForExit(timeout: 5), .signalled(SIGKILL))
        XCTAssertEqual(try queueSizes().reserved, 1, "the job stays reserved")

        let shuttle = try startShuttle("s1", ["--sleep", "0.2"])
        try waitForRecord("rec", "Shuttle to finish the job") { $0.byShuttle && $0.outcome == "ok" }
        shuttle.send(SIGTERM)
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)

        XCTAssertEqual(try records("rec").map(\.description), ["started#1@php:p1", "started#2@shuttle:s1", "ok#2@shuttle:s1"])
        XCTAssertTrue(try records("rec").allSatisfy { $0.uuid == job.uuid })
        try assertQueueEmpty()
        XCTAssertEqual(try failedJobs().count, 0)
    }

    /// §10 #11: with `--tries 1`, the recovered job's attempt 2 fails Shuttle's pre-check, unrun, with Laravel 8's
    /// MaxAttemptsExceededException text and the LPOPed bytes (attempts 1) as the failed_jobs payload.
    func testShuttleFailsARecoveredJobThatExceededItsTriesWithoutRunningIt() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","sleep":3}"#).first)
        let php = try startPHPWorker("p1", ["--sleep=0.2"])
        try waitForRecord("rec", "the PHP worker to start the job") { $0.byPHP && $0.outcome == "started" }
        php.kill()

        let shuttle = try startShuttle("s1", ["--sleep", "0.2", "--tries", "1"])
        try waitUntil("Shuttle to fail the job", context: workerLogs()) { try failedJobs().count == 1 }
        shuttle.send(SIGTERM)
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)

        XCTAssertEqual(try records("rec").map(\.description), ["started#1@php:p1"], "the handler must not run")
        let row = try XCTUnwrap(try failedJobs().first)
        XCTAssertEqual(row["uuid"] as? String, job.uuid)
        let exception = try XCTUnwrap(row["exception"] as? String)
        XCTAssertTrue(exception.hasPrefix("Illuminate\\Queue\\MaxAttemptsExceededException: Shuttle\\Jobs\\Probe has been attempted too many times or run too long. The job may have previously timed out. in "), exception)
        let payload = try json(try XCTUnwrap(row["payload"] as? String))
        XCTAssertEqual(payload["attempts"] as? Int, 1)
        try assertQueueEmpty()
    }
}
