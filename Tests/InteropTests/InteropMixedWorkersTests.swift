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

    /// Selective reservation on a queue shared with `queue:work`: jobs Shuttle does not implement
    /// (`App\Jobs\NoopJob`) mixed in are never reserved by Shuttle, never handed back, and PHP runs them in their
    /// pushed order with their first attempt (with `--tries=1` a spent attempt would fail them); every job runs
    /// exactly once.
    func testSharedQueueShuttleTakesOnlyItsOwnAndPHPKeepsItsOrder() throws {
        var noops: [(uuid: String, id: String)] = []
        var probes: [(uuid: String, id: String)] = []
        for _ in 0..<4 {
            probes += try dispatch("probe", "--count", "10", "--json", #"{"record":"rec","sleep":0.02}"#)
            noops += try dispatch("noop", "--count", "5")
        }
        // Shuttle first, so it surely meets PHP's jobs before any PHP worker is there.
        let shuttle = try startShuttle("s1", ["--concurrency", "4", "--sleep", "0.2"])
        try waitUntil("Shuttle to run a probe", context: workerLogs()) { try records("rec").contains { $0.byShuttle && $0.isEnd } }
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

        XCTAssertFalse(shuttle.stderr.contains("handed back"), "selective reservation never hands a job back")
        let processed = php.events.filter { $0["event"] as? String == "processed" && $0["job"] as? String != "Shuttle\\Jobs\\Probe" }
        XCTAssertEqual(processed.compactMap { $0["uuid"] as? String }, noops.map(\.uuid), "PHP's jobs, once each, in pushed order")
        for event in processed {
            XCTAssertEqual(event["job"] as? String, "App\\Jobs\\NoopJob")
            XCTAssertEqual(event["attempts"] as? Int, 1, "no attempt spent on a job Shuttle did not run: \(event)")
        }
        let entries = try records("rec")
        XCTAssertEqual(entries.count, 80)
        XCTAssertEqual(entries.filter { $0.outcome == "ok" }.map(\.uuid).sorted(), probes.map(\.uuid).sorted(), "each probe ran once")
        XCTAssertGreaterThan(entries.filter(\.byShuttle).count, 0)
        try assertQueueEmpty()
        XCTAssertEqual(try failedJobs().count, 0)
    }

    /// Router mode: Shuttle alone reads `default` and forwards 10,000 jobs it does not run to `php`, byte for byte
    /// and in order, with no back-off; `--stop-when-empty` exits only once `default` is empty. Then PHP runs them.
    func testRouterForwardsTenThousandJobsInOrderThenPHPRunsThem() throws {
        let pushed = try dispatch("noop", "--count", "10000")
        XCTAssertEqual(pushed.count, 10_000)
        let before = try lrange("queues:default")
        XCTAssertEqual(before.count, 10_000)
        let shuttle = try startShuttle("router", ["--hand-back-to", "php", "--stop-when-empty", "--sleep", "3"])
        XCTAssertEqual(try waitForExit(shuttle, timeout: 60), .exited(0), shuttle.stderr)
        XCTAssertFalse(shuttle.stderr.contains("backing off"), shuttle.stderr)
        XCTAssertTrue(shuttle.stderr.contains("queue empty"), shuttle.stderr)
        XCTAssertEqual(try queueSizes().ready, 0)
        XCTAssertEqual(try lrange("queues:php"), before, "byte for byte, in order")
        XCTAssertEqual(try queueSizes("php").notify, 10_000, "a token each for PHP's blocking pop")

        let php = try startPHPWorker("p1", ["--queue=php", "--sleep=0.2", "--tries=1", "--stop-when-empty"])
        XCTAssertEqual(try waitForExit(php, timeout: 120), .exited(0), php.stderr)
        let processed = php.events.filter { $0["event"] as? String == "processed" }
        XCTAssertEqual(processed.compactMap { $0["uuid"] as? String }, pushed.map(\.uuid))
        XCTAssertTrue(processed.allSatisfy { $0["attempts"] as? Int == 1 })
        try assertQueueEmpty("php")
    }
}
