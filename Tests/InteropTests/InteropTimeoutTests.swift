import Foundation
import XCTest

/// Job timeouts (§6.5, §10 #13) as Laravel 8 has them: a timed-out job is not failed while it has attempts left —
/// it stays in `:reserved` and runs again after retry_after — unless `failOnTimeout`; the failure text is 8's
/// MaxAttemptsExceededException message. Shuttle cancels the job instead of killing itself.
final class InteropTimeoutTests: InteropTestCase {
    static let laravel8Message = "Illuminate\\Queue\\MaxAttemptsExceededException: Shuttle\\Jobs\\Probe has been attempted too many times or run too long. The job may have previously timed out."

    override func setUpWithError() throws {
        try super.setUpWithError()
        environment["REDIS_QUEUE_RETRY_AFTER"] = "3"
    }

    func testTimedOutJobStaysReservedAndRunsAgainUntilItsTriesAreUsedUp() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","sleep":5,"timeout":1,"tries":3}"#).first)
        let shuttle = try startShuttle("s1", ["--sleep", "0.2"])
        try waitUntil("the first attempt to time out", context: workerLogs()) { shuttle.stderr.contains("timed out") }
        XCTAssertEqual(try records("rec").map(\.description), ["started#1@shuttle:s1"], "cancelled: no end entry")
        XCTAssertEqual(try queueSizes().reserved, 1, "a timed-out job stays reserved")
        XCTAssertEqual(try failedJobs().count, 0)

        try waitForRecord("rec", "attempt 2 after retry_after") { $0.attempt == 2 }
        try waitUntil("attempt 3 to time out and fail the job", context: workerLogs()) { try failedJobs().count == 1 }
        XCTAssertTrue(shuttle.isRunning, "a cancelled job must not stop the worker: \(shuttle.stderr)")
        shuttle.send(SIGTERM)
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)

        XCTAssertEqual(try records("rec").map(\.description), ["started#1@shuttle:s1", "started#2@shuttle:s1", "started#3@shuttle:s1"])
        let row = try XCTUnwrap(try failedJobs().first)
        XCTAssertEqual(row["uuid"] as? String, job.uuid)
        let exception = try XCTUnwrap(row["exception"] as? String)
        XCTAssertTrue(exception.hasPrefix(Self.laravel8Message + " in "), exception)
        XCTAssertEqual(try json(try XCTUnwrap(row["payload"] as? String))["attempts"] as? Int, 2)
        try assertQueueEmpty()
    }

    /// failOnTimeout: failed on the first timeout, by Shuttle as by PHP (whose worker then SIGKILLs itself).
    func testFailOnTimeoutFailsTheJobAtOnceAsPHPDoes() throws {
        let props = #"{"record":"rec","sleep":5,"timeout":1,"tries":3,"failOnTimeout":true}"#
        let swiftJob = try XCTUnwrap(try dispatch("probe", "--json", props).first)
        let shuttle = try startShuttle("s1", ["--stop-when-empty", "--sleep", "0.2"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)
        XCTAssertEqual(try records("rec").map(\.description), ["started#1@shuttle:s1"])
        try assertQueueEmpty()

        let phpJob = try XCTUnwrap(try dispatch("probe", "--json", props).first)
        let php = try startPHPWorker("p1", ["--stop-when-empty", "--sleep=0.2"])
        XCTAssertEqual(try waitForExit(php), .signalled(SIGKILL), php.stderr)
        try assertQueueEmpty()

        let failed = try failedJobs()
        XCTAssertEqual(failed.map { $0["uuid"] as? String }, [swiftJob.uuid, phpJob.uuid])
        let texts = failed.compactMap { $0["exception"] as? String }
        XCTAssertEqual(texts.count, 2)
        for text in texts { XCTAssertTrue(text.hasPrefix(Self.laravel8Message + " in "), text) }
        XCTAssertEqual(failed.map { try? json($0["payload"] as? String ?? "")["attempts"] as? Int }, [0, 0])
    }
}
