import Foundation
import XCTest

/// A PHP `queue:work` and Shuttle on one queue at the same time: every job runs exactly once, whoever pops it.
final class InteropMixedWorkersTests: InteropTestCase {
    func testPHPAndShuttleShareOneQueueWithoutRunningAnyJobTwice() throws {
        let pushed = try dispatch("probe", "--count", "200", "--json", #"{"record":"rec","sleep":0.03}"#)
        XCTAssertEqual(pushed.count, 200)
        XCTAssertEqual(Set(pushed.map(\.uuid)).count, 200)

        // PHP first, so it is surely working when the much faster Shuttle joins.
        let php = try startPHPWorker("p1", ["--sleep=1"])
        try waitForRecord("rec", "the PHP worker's first run") { $0.byPHP && $0.outcome == "ok" }
        let shuttle = try startShuttle("s1", ["--concurrency", "4", "--sleep", "0.2", "--stop-when-empty"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)
        try waitUntil("all 200 jobs to end", context: workerLogs()) {
            try records("rec").filter(\.isEnd).count >= 200
        }
        php.send(SIGTERM)
        XCTAssertEqual(try waitForExit(php), .exited(0), php.stderr)

        let entries = try records("rec")
        for job in pushed {
            let runs = entries.filter { $0.uuid == job.uuid }
            XCTAssertEqual(runs.map(\.outcome), ["started", "ok"], "\(job.uuid): \(runs)")
            XCTAssertEqual(runs.map(\.attempt), [1, 1], "\(job.uuid): \(runs)")
            XCTAssertEqual(Set(runs.map(\.worker)).count, 1, "\(job.uuid) started and ended by different workers: \(runs)")
        }
        XCTAssertEqual(entries.count, 400, "a job ran twice or a stray entry was written")
        let byShuttle = entries.filter { $0.isEnd && $0.worker == "shuttle:s1" }.count
        let byPHP = entries.filter { $0.isEnd && $0.worker == "php:p1" }.count
        XCTAssertGreaterThan(byShuttle, 0)
        XCTAssertGreaterThan(byPHP, 0)
        XCTAssertEqual(byShuttle + byPHP, 200)
        try assertQueueEmpty()
        XCTAssertEqual(try failedJobs().count, 0)
    }

    /// Jobs Shuttle does not implement (`App\Jobs\NoopJob`) mixed in: Shuttle hands them back without spending an
    /// attempt, PHP runs them (with `--tries=1` a spent attempt would fail them), and everything drains.
    func testShuttleHandsUnknownJobsBackToThePHPWorker() throws {
        var noops: [(uuid: String, id: String)] = []
        var probes: [(uuid: String, id: String)] = []
        for _ in 0..<4 {
            probes += try dispatch("probe", "--count", "10", "--json", #"{"record":"rec","sleep":0.02}"#)
            noops += try dispatch("noop", "--count", "5")
        }
        // Shuttle first, so it surely meets unknown jobs before any PHP worker is there.
        let shuttle = try startShuttle("s1", ["--concurrency", "4", "--sleep", "0.2"])
        try waitUntil("Shuttle to hand a job back", context: workerLogs()) { shuttle.stderr.contains("handed back") }
        let php = try startPHPWorker("p1", ["--sleep=0.2", "--tries=1"])
        try waitUntil("every job to end", context: workerLogs()) {
            try records("rec").filter(\.isEnd).count >= 40
                && php.events.filter { $0["event"] as? String == "processed" && $0["job"] as? String == "App\\Jobs\\NoopJob" }.count >= 20
        }
        try waitUntil("the queue to drain") { try queueSizes().ready == 0 && queueSizes().reserved == 0 }
        for worker in [shuttle, php] {
            worker.send(SIGTERM)
            XCTAssertEqual(try waitForExit(worker), .exited(0), worker.stderr)
        }

        let processed = php.events.filter { $0["event"] as? String == "processed" && $0["job"] as? String != "Shuttle\\Jobs\\Probe" }
        XCTAssertEqual(Set(processed.compactMap { $0["uuid"] as? String }), Set(noops.map(\.uuid)))
        XCTAssertEqual(processed.count, 20, "a noop ran twice")
        for event in processed {
            XCTAssertEqual(event["job"] as? String, "App\\Jobs\\NoopJob")
            XCTAssertEqual(event["attempts"] as? Int, 1, "a hand-back must not spend an attempt: \(event)")
        }
        let entries = try records("rec")
        XCTAssertEqual(entries.count, 80)
        XCTAssertEqual(entries.filter { $0.outcome == "ok" }.map(\.uuid).sorted(), probes.map(\.uuid).sorted(), "each probe ran once")
        XCTAssertGreaterThan(entries.filter(\.byShuttle).count, 0)
        try assertQueueEmpty()
        XCTAssertEqual(try failedJobs().count, 0)
    }
}
