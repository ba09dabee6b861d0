import Foundation
import XCTest

/// `php artisan queue:restart` (§6.8, §10 #30): the cache key `illuminate:queue:restart` changes, and every worker
/// sharing that cache — PHP's and Shuttle — exits 0 once its current job is done.
final class InteropRestartTests: InteropTestCase {
    func testQueueRestartThroughTheRedisCacheStopsShuttleAfterItsJob() throws {
        environment["CACHE_DRIVER"] = "redis"
        try assertRestartStopsBothWorkers()
        // Laravel 8's RedisStore key: connection prefix + cache prefix + ":" + key, on the cache connection (db 1).
        XCTAssertNotEqual(try redis("-n", "1", "get", prefix + "laravel_cache:illuminate:queue:restart"), "")
    }

    func testQueueRestartThroughTheDatabaseCacheStopsShuttleAfterItsJob() throws {
        environment["CACHE_DRIVER"] = "database"
        try assertRestartStopsBothWorkers()
    }

    private func assertRestartStopsBothWorkers(file: StaticString = #filePath, line: UInt = #line) throws {
        let jobs = try dispatch("probe", "--count", "2", "--json", #"{"record":"rec","sleep":2}"#)
        let shuttle = try startShuttle("s1", ["--sleep", "0.2"])
        try waitForRecord("rec", "Shuttle to start the first job") { $0.outcome == "started" }
        // An idle PHP worker on another queue, to show both runtimes read the same signal.
        let php = try startPHPWorker("p1", ["--sleep=0.2", "--queue=other"])
        try waitUntil("the PHP worker to start") { php.events.contains { $0["event"] as? String == "worker-starting" } }
        usleep(500_000)  // let it read the restart marker before the restart

        try artisan("queue:restart")
        XCTAssertFalse(try records("rec").contains { $0.outcome == "ok" }, "the job should still be running", file: file, line: line)
        XCTAssertEqual(try waitForExit(php), .exited(0), php.stderr, file: file, line: line)
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr, file: file, line: line)

        XCTAssertEqual(try records("rec").map(\.description), ["started#1@shuttle:s1", "ok#1@shuttle:s1"], file: file, line: line)
        XCTAssertEqual(try records("rec").first?.uuid, jobs.first?.uuid, file: file, line: line)
        XCTAssertEqual(try queueSizes().ready, 1, "the second job stays queued", file: file, line: line)
        XCTAssertEqual(try queueSizes().reserved, 0, file: file, line: line)
    }
}
