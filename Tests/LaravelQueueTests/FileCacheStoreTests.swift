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

/// `FileCacheStore` against the files Laravel 8's `Illuminate\Cache\FileStore` (Debian's) names and writes.
final class FileCacheStoreTests: XCTestCase {
    typealias Clock = FailedJobProviderTests.Clock
    static let start = Date(timeIntervalSince1970: 1_700_000_000)
    private var directory = ""

    override func setUpWithError() throws {
        directory = try TestEnvironment.temporaryDirectory("filecache").appendingPathComponent("data").path
    }

    private func store(_ clock: Clock) -> FileCacheStore {
        FileCacheStore(directory: directory) { clock.now }
    }

    private func contents(_ store: FileCacheStore, _ key: String) -> String? {
        FileManager.default.contents(atPath: store.path(for: key)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Runs PHP with Laravel's FileStore on `directory` as `$store`; returns stdout.
    private func laravel(_ code: String, stdin: [UInt8] = []) throws -> String {
        let prelude = #"require 'Illuminate/autoload.php'; $store = new Illuminate\Cache\FileStore(new Illuminate\Filesystem\Filesystem, getenv('CACHE_DIR')); "#
        return try ProcessRunner.phpCode(prelude + code, stdin: stdin, environment: ["CACHE_DIR": directory]).stdoutText
    }

    func testPathsAreLaravels() throws {
        let keys = ["illuminate:queue:restart", "job-exceptions:9d3c0f1e-aaaa-4bbb-8ccc-0123456789ab",
                    "illuminate:queue:paused:redis:default", "héllo ✓", ""]
        let code = #"$m = new ReflectionMethod($store, 'path'); $m->setAccessible(true); foreach (json_decode(stream_get_contents(STDIN)) as $k) echo $m->invoke($store, $k), "\n";"#
        let out = try laravel(code, stdin: Array(try JSONSerialization.data(withJSONObject: keys)))
        let ours = FileCacheStore(directory: directory)
        XCTAssertEqual(out.split(separator: "\n").map(String.init), keys.map { ours.path(for: $0) })
        XCTAssertEqual(FileCacheStore(storagePath: "/srv/app/storage").directory, "/srv/app/storage/framework/cache/data")
    }

    func testForeverWritesTheBytesLaravelWrites() async throws {
        let store = FileCacheStore(directory: directory)
        try await store.forever("swift", .string("a\0b é"))
        _ = try laravel(#"$store->forever('php', "a\0b é");"#)
        let ours = try XCTUnwrap(contents(store, "swift"))
        XCTAssertEqual(ours, try XCTUnwrap(contents(store, "php")))
        XCTAssertTrue(ours.hasPrefix("9999999999s:6:"), ours)
        let read = try await store.get("php")
        XCTAssertEqual(read, .string("a\0b é"))
    }

    func testPutWritesItsExpirationAndExpiresThen() async throws {
        let clock = Clock(Self.start)
        let store = store(clock)
        let stored = try await store.put("k", .int(5), seconds: 60)
        XCTAssertTrue(stored)
        XCTAssertEqual(contents(store, "k"), "1700000060i:5;")
        clock.advance(hours: 59.0 / 3600)
        let before = try await store.get("k")
        XCTAssertEqual(before, .int(5))
        clock.advance(hours: 1.0 / 3600)  // now == expiration: expired, as in Laravel
        let after = try await store.get("k")
        XCTAssertNil(after)
        XCTAssertNil(contents(store, "k"), "an expired file is deleted when read")
    }

    func testPutWithoutTimeForgetsAndHugeTimesAreForever() async throws {
        let clock = Clock(Self.start)
        let store = store(clock)
        try await store.put("k", .bool(true), seconds: 60)
        let forgot = try await store.put("k", .bool(true), seconds: 0)
        XCTAssertTrue(forgot)
        XCTAssertNil(contents(store, "k"))
        try await store.put("far", .null, seconds: 10_000_000_000)
        XCTAssertEqual(contents(store, "far"), "9999999999N;")
        let far = try await store.get("far")
        XCTAssertEqual(far, .null, "a stored null is not a missing value")
    }

    func testMissingAndUnreadableFilesReadAsNil() async throws {
        let store = FileCacheStore(directory: directory)
        let missing = try await store.get("nothing")
        XCTAssertNil(missing)
        try await store.forever("bad", .int(1))
        try Data("9999999999not serialized".utf8).write(to: URL(fileURLWithPath: store.path(for: "bad")))
        let bad = try await store.get("bad")
        XCTAssertNil(bad)
        XCTAssertNil(contents(store, "bad"))
        let forgotAgain = try await store.forget("bad")
        XCTAssertFalse(forgotAgain)
    }

    func testIncrementKeepsTheExpiration() async throws {
        let clock = Clock(Self.start)
        let store = store(clock)
        try await store.put("job-exceptions:u1", .int(0), seconds: 86400)
        clock.advance(hours: 1)
        let one = try await store.increment("job-exceptions:u1", by: 1)
        XCTAssertEqual(one, 1)
        XCTAssertEqual(contents(store, "job-exceptions:u1"), "1700086400i:1;")
        let three = try await store.increment("job-exceptions:u1", by: 2)
        XCTAssertEqual(three, 3)
        let back = try await store.decrement("job-exceptions:u1", by: 1)
        XCTAssertEqual(back, 2)
        XCTAssertEqual(contents(store, "job-exceptions:u1"), "1700086400i:2;")
        let forgot = try await store.forget("job-exceptions:u1")
        XCTAssertTrue(forgot)
        XCTAssertNil(contents(store, "job-exceptions:u1"))
    }

    func testIncrementOfAMissingOrExpiredKeyStartsFromZeroForever() async throws {
        let clock = Clock(Self.start)
        let store = store(clock)
        let fresh = try await store.increment("n", by: 4)
        XCTAssertEqual(fresh, 4)
        XCTAssertEqual(contents(store, "n"), "9999999999i:4;")
        try await store.put("old", .int(40), seconds: 10)
        clock.advance(hours: 1)
        let restarted = try await store.increment("old", by: 1)
        XCTAssertEqual(restarted, 1)
        XCTAssertEqual(contents(store, "old"), "9999999999i:1;")
    }

    /// `increment` casts whatever is stored with PHP's `(int)`: the same results as Laravel's FileStore.
    func testIncrementCastsValuesAsPHPDoes() async throws {
        let values: [PHPValue] = [
            .string(" 12abc"), .string("1.9e2x"), .string("abc"), .string("-7"), .string("0x1A"), .string("-99999999999999999999"),
            .string(".5"), .string("3."), .string("1e"), .double(-2.7), .bool(true), .null,
            .array(PHPArray()), .array(PHPArray(list: [.int(1)])),
        ]
        let store = FileCacheStore(directory: directory)
        var ours: [String] = []
        for (i, value) in values.enumerated() {
            try await store.forever("v\(i)", value)
            ours.append(String(try await store.increment("v\(i)", by: 1) ?? -1))
        }
        for (i, value) in values.enumerated() { try await store.forever("v\(i)", value) }
        let theirs = try laravel(#"for ($i = 0; $i < \#(values.count); $i++) echo $store->increment("v$i", 1), "\n";"#)
        XCTAssertEqual(ours, theirs.split(separator: "\n").map(String.init))
    }

    func testConcurrentIncrementsInOneProcessAreNotLost() async throws {
        let store = FileCacheStore(directory: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 { group.addTask { _ = try await store.increment("c", by: 1) } }
            try await group.waitForAll()
        }
        let total = try await store.get("c")
        XCTAssertEqual(total, .int(50))
    }

    /// `SHUTTLE_STORAGE_PATH`, else the app root's `storage`, else `./storage`.
    func testStoragePathSetting() throws {
        func directory(_ variables: [String: String], appRoot: String?) throws -> String {
            let config = try QueueConfiguration.resolve(LaravelEnvironment(process: variables.merging(["SHUTTLE_LARAVEL_VERSION": "8"]) { a, _ in a }))
            XCTAssertEqual(config.cache.store, variables["CACHE_DRIVER"] ?? "file", "the Laravel 8 skeleton's default store is file")
            return config.cache.fileCacheDirectory(appRoot: appRoot)
        }
        XCTAssertEqual(try directory(["SHUTTLE_STORAGE_PATH": "/var/st"], appRoot: "/srv/app"), "/var/st/framework/cache/data")
        XCTAssertEqual(try directory([:], appRoot: "/srv/app"), "/srv/app/storage/framework/cache/data")
        XCTAssertEqual(try directory(["SHUTTLE_STORAGE_PATH": "", "CACHE_DRIVER": "redis"], appRoot: nil), "./storage/framework/cache/data")
    }
}
