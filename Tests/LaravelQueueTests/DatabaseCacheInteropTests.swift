import Database
import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import PHPSerialization
import XCTest

/// Shuttle's `DatabaseCacheStore` and Laravel 8's `Illuminate\Cache\DatabaseStore` on one `cache` table
/// created by Laravel's schema builder: restart signals, exception counters and flags pass both ways.
final class DatabaseCacheInteropTests: XCTestCase {
    func testValuesPassBothWays() async throws {
        try await QueueTestDatabases.forEach { db in
            _ = try LaravelDatabasePHP.run(db, "migrate")
            let prefix = "shop_cache_"
            let store = DatabaseCacheStore(connection: db.connection, prefix: prefix)
            func php(_ action: String, _ args: [String: Any]) throws -> Any? {
                var args = args
                args["prefix"] = prefix
                return try LaravelDatabasePHP.run(db, "cache." + action, args)
            }

            // queue:restart in Swift, read by a PHP worker.
            try await store.forever("illuminate:queue:restart", .int(1_712_345_678))
            XCTAssertEqual(try php("get", ["key": "illuminate:queue:restart"]) as? Int, 1_712_345_678)
            XCTAssertEqual(try php("get", ["key": "absent"]) as? NSNull, NSNull())

            // A maxExceptions counter started by PHP, incremented by both.
            XCTAssertEqual(try php("put", ["key": "job-exceptions:u1", "value": 0, "seconds": 86400]) as? Bool, true)
            let first = try await store.increment("job-exceptions:u1")
            XCTAssertEqual(first, 1)
            XCTAssertEqual(try php("increment", ["key": "job-exceptions:u1", "by": 1]) as? Int, 2)
            let current = try await store.get("job-exceptions:u1")
            XCTAssertEqual(current, .int(2))

            // Flags and strings written by PHP.
            XCTAssertEqual(try php("forever", ["key": "illuminate:queue:paused:redis:default", "value": true]) as? Bool, true)
            let paused = try await store.get("illuminate:queue:paused:redis:default")
            XCTAssertEqual(paused, .bool(true))
            _ = try php("put", ["key": "text", "value": "héllo ✓", "seconds": 60])
            let text = try await store.get("text")
            XCTAssertEqual(text, .string("héllo ✓"))

            // Strings written by Swift, NUL bytes included, read by PHP.
            try await store.put("swift-text", .string("a\0b é"), seconds: 60)
            XCTAssertEqual(try php("get", ["key": "swift-text"]) as? String, "a\0b é")

            // Both sides store the same value text for the same value.
            try await store.put("same-swift", .int(42), seconds: 60)
            _ = try php("put", ["key": "same-php", "value": 42, "seconds": 60])
            let ours = try XCTUnwrap(php("raw", ["key": prefix + "same-swift"]) as? [String: Any])
            let theirs = try XCTUnwrap(php("raw", ["key": prefix + "same-php"]) as? [String: Any])
            XCTAssertEqual(LaravelDatabasePHP.text(ours["value"]), LaravelDatabasePHP.text(theirs["value"]))
            XCTAssertEqual(LaravelDatabasePHP.text(ours["value"]), "i:42;")
        }
    }

    func testCreatedTableMatchesLaravelsMigration() async throws {
        try await QueueTestDatabases.forEach { ours in
            try await DatabaseCacheStore(connection: ours.connection).createTableIfMissing()
            let theirs = ours.connection.dialect == .sqlite ? try QueueTestDatabases.sqlite() : try await QueueTestDatabases.postgres()
            // Laravel 11+'s stub: bigInteger expiration with an index (the harness's v8 stub has neither).
            let php = """
                $schema = $conn->getSchemaBuilder();
                $schema->create('cache', function ($table) {
                    $table->string('key')->primary();
                    $table->mediumText('value');
                    $table->bigInteger('expiration')->index();
                });
                """
            _ = try LaravelDatabasePHP.run(theirs, "eval", ["code": php])
            let expected = try await FailedJobInteropTests.describe("cache", theirs.connection)
            try await theirs.cleanup()
            let actual = try await FailedJobInteropTests.describe("cache", ours.connection)
            XCTAssertEqual(actual, expected)
        }
    }
}
