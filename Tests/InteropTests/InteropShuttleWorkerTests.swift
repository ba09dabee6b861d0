import Foundation
import XCTest

/// PHP (Laravel 8's real dispatcher) produces, Shuttle consumes (§10 #1, from the outside).
final class InteropShuttleWorkerTests: InteropTestCase {
    func testShuttleRunsProbesDispatchedByPHPAndEmptiesTheQueue() throws {
        let pushed = try dispatch("probe", "--count", "5", "--json", #"{"record":"rec","sleep":0.05}"#)
        XCTAssertEqual(pushed.count, 5)
        XCTAssertEqual(try queueSizes().ready, 5)
        XCTAssertEqual(try queueSizes().notify, 5)

        let shuttle = try startShuttle("s1", ["--stop-when-empty", "--sleep", "0.2"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)

        let entries = try records("rec")
        XCTAssertEqual(entries.count, 10, "\(entries)")
        for job in pushed {
            let runs = entries.filter { $0.uuid == job.uuid }
            XCTAssertEqual(runs.map(\.outcome), ["started", "ok"], job.uuid)
            XCTAssertEqual(runs.map(\.attempt), [1, 1], job.uuid)
            XCTAssertEqual(runs.map(\.worker), ["shuttle:s1", "shuttle:s1"], job.uuid)
        }
        try assertQueueEmpty()
        // Each pop takes its notify token, as Laravel's pop script does.
        XCTAssertEqual(try queueSizes().notify, 0)
        XCTAssertEqual(try failedJobs().count, 0)
    }

    /// A probe that fails every attempt with `--tries 2`: released once (attempt 1), failed on attempt 2,
    /// and the failed_jobs row has Laravel's shape (payload = the LPOPed bytes, attempts 1; PHP's exception text).
    func testShuttleReleasesThenFailsAProbeDispatchedByPHP() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","failAttempts":9}"#).first)
        let shuttle = try startShuttle("s1", ["--stop-when-empty", "--sleep", "0.2", "--tries", "2"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)

        XCTAssertEqual(try records("rec").map(\.description),
                       ["started#1@shuttle:s1", "exception#1@shuttle:s1", "started#2@shuttle:s1", "exception#2@shuttle:s1"])
        let failed = try failedJobs()
        XCTAssertEqual(failed.count, 1)
        let row = try XCTUnwrap(failed.first)
        XCTAssertEqual(row["uuid"] as? String, job.uuid)
        XCTAssertEqual(row["connection"] as? String, "redis")
        XCTAssertEqual(row["queue"] as? String, "default")
        let payload = try json(try XCTUnwrap(row["payload"] as? String))
        XCTAssertEqual(payload["attempts"] as? Int, 1)
        XCTAssertEqual(payload["id"] as? String, job.id)
        let exception = try XCTUnwrap(row["exception"] as? String)
        XCTAssertTrue(exception.hasPrefix("RuntimeException: Probe failed on attempt 2 in "), exception)
        XCTAssertTrue(exception.contains("\nStack trace:\n#0 "), exception)
        let failedAt = try XCTUnwrap(row["failed_at"] as? String)
        XCTAssertNotNil(failedAt.range(of: #"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"#, options: .regularExpression), failedAt)
        try assertQueueEmpty()
    }
}
