import Foundation
import XCTest

/// `php artisan queue:retry` across runtimes (§6.7, §10 #32): failed_jobs rows either side writes are re-pushed by
/// PHP and run by either side again.
final class InteropRetryTests: InteropTestCase {
    func testQueueRetryRepushesWhatShuttleFailedAndBothRuntimesRunIt() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","failAttempts":5}"#).first)
        let original = try XCTUnwrap(try lrange("queues:default").first)

        // Shuttle fails it (--tries 1): the row holds the LPOPed bytes, i.e. exactly what PHP pushed.
        var shuttle = try startShuttle("s1", ["--stop-when-empty", "--sleep", "0.2", "--tries", "1"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)
        var failed = try failedJobs()
        XCTAssertEqual(failed.count, 1)
        XCTAssertEqual(failed.first?["uuid"] as? String, job.uuid)
        XCTAssertEqual(failed.first?["connection"] as? String, "redis")
        XCTAssertEqual(failed.first?["queue"] as? String, "default")
        XCTAssertEqual(failed.first?["payload"] as? String, String(decoding: original, as: UTF8.self))
        let shuttleException = try XCTUnwrap(failed.first?["exception"] as? String)
        XCTAssertTrue(shuttleException.hasPrefix("RuntimeException: Probe failed on attempt 1 in "), shuttleException)
        try assertQueueEmpty()

        // queue:retry: same uuid and id, attempts reset to 0, the row removed.
        try artisan("queue:retry", "all")
        XCTAssertEqual(try failedJobs().count, 0)
        let retried = try lrange("queues:default")
        XCTAssertEqual(retried.count, 1)
        let payload = try json(String(decoding: try XCTUnwrap(retried.first), as: UTF8.self))
        XCTAssertEqual(payload["uuid"] as? String, job.uuid)
        XCTAssertEqual(payload["id"] as? String, job.id)
        XCTAssertEqual(payload["attempts"] as? Int, 0)

        // Shuttle runs the retried job: attempt 1 again (it still fails: failAttempts 5).
        shuttle = try startShuttle("s2", ["--stop-when-empty", "--sleep", "0.2", "--tries", "1"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)
        XCTAssertEqual(try records("rec").map(\.description),
                       ["started#1@shuttle:s1", "exception#1@shuttle:s1", "started#1@shuttle:s2", "exception#1@shuttle:s2"])
        failed = try failedJobs()
        XCTAssertEqual(failed.map { $0["uuid"] as? String }, [job.uuid])
        XCTAssertEqual(failed.first?["payload"] as? String, String(decoding: try XCTUnwrap(retried.first), as: UTF8.self))

        // And once more, this time PHP's queue:work runs the row Shuttle wrote, and fails it the same way.
        try artisan("queue:retry", "all")
        let php = try startPHPWorker("p1", ["--stop-when-empty", "--sleep=0.2", "--tries=1"])
        XCTAssertEqual(try waitForExit(php), .exited(0), php.stderr)
        XCTAssertEqual(try records("rec").suffix(2).map(\.description), ["started#1@php:p1", "exception#1@php:p1"])
        failed = try failedJobs()
        XCTAssertEqual(failed.map { $0["uuid"] as? String }, [job.uuid])
        let phpException = try XCTUnwrap(failed.first?["exception"] as? String)
        XCTAssertEqual(Self.head(phpException), Self.head(shuttleException))
        try assertQueueEmpty()
    }

    /// A job PHP failed — here Laravel's own pre-check: a PHP worker was SIGKILLed mid-job, and after retry_after the
    /// next PHP worker (`--tries=1`) sees attempt 2 and fails it unrun — is retried and then run to success by Shuttle.
    func testQueueRetryRepushesWhatPHPFailedAndShuttleRunsIt() throws {
        environment["REDIS_QUEUE_RETRY_AFTER"] = "2"
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","sleep":1}"#).first)
        let killed = try startPHPWorker("p1", ["--sleep=0.2", "--tries=1"])
        try waitForRecord("rec", "p1 to start the job") { $0.outcome == "started" }
        killed.kill()

        let php = try startPHPWorker("p2", ["--sleep=0.2", "--tries=1"])
        try waitUntil("p2 to fail the job", context: workerLogs()) { try failedJobs().count == 1 }
        php.send(SIGTERM)
        XCTAssertEqual(try waitForExit(php), .exited(0), php.stderr)
        let row = try XCTUnwrap(try failedJobs().first)
        XCTAssertEqual(row["uuid"] as? String, job.uuid)
        let exception = try XCTUnwrap(row["exception"] as? String)
        XCTAssertTrue(exception.hasPrefix("Illuminate\\Queue\\MaxAttemptsExceededException: Shuttle\\Jobs\\Probe has been attempted too many times or run too long. The job may have previously timed out. in "), exception)
        XCTAssertEqual(try records("rec").map(\.description), ["started#1@php:p1"], "the pre-check must not run the handler")

        try artisan("queue:retry", "all")
        let shuttle = try startShuttle("s1", ["--stop-when-empty", "--sleep", "0.2", "--tries", "1"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)
        XCTAssertEqual(try records("rec").map(\.description), ["started#1@php:p1", "started#1@shuttle:s1", "ok#1@shuttle:s1"])
        XCTAssertTrue(try records("rec").allSatisfy { $0.uuid == job.uuid })
        XCTAssertEqual(try failedJobs().count, 0)
        try assertQueueEmpty()
    }

    /// The first line of a PHP exception text up to the throw site (` in <file>:<line>` differs by runtime).
    static func head(_ text: String) -> String {
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? ""
        guard let range = firstLine.range(of: " in ", options: .backwards) else { return firstLine }
        return String(firstLine[..<range.lowerBound])
    }
}
