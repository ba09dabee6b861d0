import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import PHPSerialization
import TestSupport
import XCTest

/// Laravel 8's `file` cache store (the 8 – 10 skeletons' default) shared by PHP and Shuttle on one host, through the
/// app's storage directory: `queue:restart` stops a running `shuttle work`, and cache values pass both ways.
final class InteropFileCacheTests: InteropTestCase {
    private var storage: String { directory.appendingPathComponent("storage").path }

    override func setUpWithError() throws {
        try super.setUpWithError()
        environment["CACHE_DRIVER"] = "file"
    }

    func testQueueRestartStopsShuttleWithTheStoragePathSetting() throws {
        try assertRestartStopsShuttle(try startShuttle("s1", ["--sleep", "0.2"]))
    }

    /// Without `SHUTTLE_STORAGE_PATH`, Shuttle takes `storage` beside the `--env-file` (the app root).
    func testQueueRestartStopsShuttleWithTheAppRootsStorage() throws {
        let envFile = directory.appendingPathComponent(".env")
        try Data("CACHE_DRIVER=file\n".utf8).write(to: envFile)
        let phpStorage = environment.removeValue(forKey: "SHUTTLE_STORAGE_PATH")
        let shuttle = try startShuttle("s1", ["--sleep", "0.2", "--env-file", envFile.path])
        environment["SHUTTLE_STORAGE_PATH"] = phpStorage
        try assertRestartStopsShuttle(shuttle)
        XCTAssertTrue(shuttle.stderr.contains(storage + "/framework/cache/data"), "logs the directory it uses:\n" + shuttle.stderr)
    }

    private func assertRestartStopsShuttle(_ shuttle: BackgroundProcess, file: StaticString = #filePath, line: UInt = #line) throws {
        _ = try dispatch("probe", "--count", "2", "--json", #"{"record":"rec","sleep":2}"#)
        try waitForRecord("rec", "Shuttle to start the first job") { $0.outcome == "started" }
        try artisan("queue:restart")
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr, file: file, line: line)
        XCTAssertEqual(try records("rec").map(\.description), ["started#1@shuttle:s1", "ok#1@shuttle:s1"], file: file, line: line)
        XCTAssertEqual(try queueSizes().ready, 1, "the second job stays queued", file: file, line: line)
        // Laravel's FileStore wrote the signal where Shuttle looked: sha1 of the key, under its first two hex pairs.
        let path = FileCacheStore(storagePath: storage).path(for: "illuminate:queue:restart")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path), path, file: file, line: line)
    }

    /// `Cache::…` through the harness app (Laravel 8's CacheManager and FileStore); prints the JSON of the result.
    private func cache(_ call: String) throws -> String {
        let code = #"$app = require getenv('BOOTSTRAP'); echo json_encode($app['cache']->"# + call + ");"
        return try ProcessRunner.run(["php", "-r", code], environment: environment.merging(
            ["BOOTSTRAP": scripts.appendingPathComponent("bootstrap.php").path]) { $1 }).stdoutText
    }

    func testValuesPassBothWays() async throws {
        let store = FileCacheStore(storagePath: storage)

        // queue:restart written by Swift, read by PHP.
        try await store.forever("illuminate:queue:restart", .int(1_712_345_678))
        XCTAssertEqual(try cache("get('illuminate:queue:restart')"), "1712345678")
        XCTAssertEqual(try cache("get('absent')"), "null")

        // A maxExceptions counter started by Swift (put 0 for a day), incremented by both; its expiry is kept.
        let counter = "job-exceptions:9d3c0f1e-aaaa-4bbb-8ccc-0123456789ab"
        try await store.put(counter, .int(0), seconds: 86400)
        let expiry = try Data(contentsOf: URL(fileURLWithPath: store.path(for: counter))).prefix(10)
        XCTAssertEqual(try cache("increment('\(counter)')"), "1")
        let two = try await store.increment(counter, by: 1)
        XCTAssertEqual(two, 2)
        XCTAssertEqual(try cache("get('\(counter)')"), "2")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: store.path(for: counter))).prefix(10), expiry)

        // Values written by PHP, read by Swift; forgotten by one, gone for the other.
        XCTAssertEqual(try cache("put('text', 'héllo ✓', 60)"), "true")
        let text = try await store.get("text")
        XCTAssertEqual(text, .string("héllo ✓"))
        XCTAssertEqual(try cache("forever('illuminate:queue:paused:redis:default', true)"), "true")
        let paused = try await store.get("illuminate:queue:paused:redis:default")
        XCTAssertEqual(paused, .bool(true))
        let forgotten = try await store.forget("text")
        XCTAssertTrue(forgotten)
        XCTAssertEqual(try cache("get('text')"), "null")
        XCTAssertEqual(try cache("forget('\(counter)')"), "true")
        let gone = try await store.get(counter)
        XCTAssertNil(gone)
    }
}
