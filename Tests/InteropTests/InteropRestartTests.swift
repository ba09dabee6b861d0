import Foundation
import TestSupport
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

    /// A Laravel 8 app with no version configured anywhere: Shuttle finds 8 in the composer.lock beside the
    /// `.env`, so it watches the key Laravel 8's queue:restart writes, and the restart reaches it. (Assuming
    /// 12, it would read the database cache instead and never stop.)
    func testQueueRestartReachesShuttleThatFoundLaravel8InComposerLock() throws {
        environment["CACHE_DRIVER"] = "redis"
        environment.removeValue(forKey: "SHUTTLE_LARAVEL_VERSION")
        // The app directory is the workers' working directory: its .env is the harness's environment.
        let dotEnv = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n"
        try Data(dotEnv.utf8).write(to: directory.appendingPathComponent(".env"))
        let lock = directory.appendingPathComponent("composer.lock")
        try Data(#"""
            {"_readme": ["This file locks the dependencies of your project to a known state"],
             "packages": [{"name": "laravel/framework", "version": "v8.83.26", "type": "library"},
                          {"name": "laravel/tinker", "version": "v2.8.2"}],
             "packages-dev": []}
            """#.utf8).write(to: lock)

        let about = try aboutJSON()
        let shuttle = about["shuttle"] as? [String: Any]
        XCTAssertEqual(shuttle?["laravel_version"] as? String, "8.83.26")
        XCTAssertEqual(shuttle?["laravel_version_source"] as? [String: String], ["kind": "composer.lock", "path": lock.path])
        let restartKey = try XCTUnwrap((about["cache"] as? [String: Any])?["restart_key"] as? String)
        XCTAssertEqual(restartKey, prefix + "laravel_cache:illuminate:queue:restart")

        try assertRestartStopsBothWorkers()
        XCTAssertEqual(try redis("-n", "1", "exists", restartKey), "1", "PHP's queue:restart wrote the key about names")
        XCTAssertFalse(workerLogs().contains("Laravel version unknown"), workerLogs())

        // Without the lock the version is assumed, and the key Shuttle would watch is another one.
        try FileManager.default.removeItem(at: lock)
        let assumed = try aboutJSON()
        XCTAssertEqual((assumed["shuttle"] as? [String: Any])?["laravel_version"] as? String, "12.26.4")
        XCTAssertNotEqual((assumed["cache"] as? [String: Any])?["restart_key"] as? String, restartKey)
    }

    /// `shuttle about --json` run in the app directory, decoded.
    private func aboutJSON() throws -> [String: Any] {
        let result = try ProcessRunner.run([try Self.shuttleBinary().path, "about", "--json"], environment: environment,
                                           currentDirectory: directory)
        return try json(result.stdoutText)
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
