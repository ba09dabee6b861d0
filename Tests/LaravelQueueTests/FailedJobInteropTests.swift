import Database
import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import TestSupport
import XCTest

/// Swift and Laravel 8's own `DatabaseUuidFailedJobProvider` share a `failed_jobs` table made by
/// Laravel's schema builder: each reads what the other wrote, in SQLite and PostgreSQL.
final class FailedJobInteropTests: XCTestCase {
    func testLaravelReadsWhatShuttleWrote() async throws {
        try await QueueTestDatabases.forEach { db in
            _ = try LaravelDatabasePHP.run(db, "migrate")
            let tokyo = try XCTUnwrap(ZoneInfo(identifier: "Asia/Tokyo"))
            let provider = DatabaseUuidFailedJobProvider(connection: db.connection, timeZone: tokyo)
            let uuids = [UUID().uuidString.lowercased(), UUID().uuidString.lowercased()]
            let exception = "Exception: boom ✓ in /app/Jobs/X.php:12\nStack trace:\n#0 {main}"
            for uuid in uuids {
                try await provider.log(
                    connection: "redis", queue: "high", payload: FailedJobProviderTests.payload(uuid: uuid), exception: exception)
            }
            let before = Date()

            let all = try XCTUnwrap(LaravelDatabasePHP.run(db, "failed.all") as? [[String: Any]])
            XCTAssertEqual(all.map { LaravelDatabasePHP.text($0["id"]) }, uuids.reversed(), "all() newest first, id = uuid")
            let found = try XCTUnwrap(LaravelDatabasePHP.run(db, "failed.find", ["id": uuids[0]]) as? [String: Any])
            XCTAssertEqual(LaravelDatabasePHP.bytes(found["payload"]), FailedJobProviderTests.payload(uuid: uuids[0]))
            XCTAssertEqual(LaravelDatabasePHP.text(found["exception"]), exception)
            XCTAssertEqual(LaravelDatabasePHP.text(found["connection"]), "redis")
            XCTAssertEqual(LaravelDatabasePHP.text(found["queue"]), "high")
            // PHP parses the stored text back in the app timezone: it must be the moment we logged.
            let failedAt = try XCTUnwrap(LaravelDatabasePHP.text(found["failed_at"]))
            let parsed = try XCTUnwrap(Self.parse(failedAt, XCTUnwrap(TimeZone(identifier: "Asia/Tokyo"))))
            XCTAssertLessThan(abs(parsed.timeIntervalSince(before)), 5, failedAt)

            let forgotten = try LaravelDatabasePHP.run(db, "failed.forget", ["id": uuids[1]]) as? Bool
            XCTAssertEqual(forgotten, true)
            let remaining = try await provider.ids()
            XCTAssertEqual(remaining, [uuids[0]])
        }
    }

    func testShuttleReadsWhatLaravelWrote() async throws {
        try await QueueTestDatabases.forEach { db in
            _ = try LaravelDatabasePHP.run(db, "migrate")
            let uuid = UUID().uuidString.lowercased()
            let payload = FailedJobProviderTests.payload(uuid: uuid)
            let exception = "Exception: from PHP é in /app/x.php:1"
            let logged = try LaravelDatabasePHP.run(
                db, "failed.log",
                [
                    "connection": "redis", "queue": "default", "payload": LaravelDatabasePHP.base64(payload),
                    "exception": LaravelDatabasePHP.base64(exception),
                ], timezone: "America/New_York")
            XCTAssertEqual(logged as? String, uuid)
            let before = Date()

            let newYork = try XCTUnwrap(TimeZone(identifier: "America/New_York"))
            let newYorkZone = try XCTUnwrap(ZoneInfo(identifier: "America/New_York"))
            let provider = DatabaseUuidFailedJobProvider(connection: db.connection, timeZone: newYorkZone)
            let record = try await provider.find(uuid)
            XCTAssertEqual(record?.payload, payload)
            XCTAssertEqual(record?.exception, exception)
            XCTAssertEqual(record?.connection, "redis")
            XCTAssertEqual(record?.queue, "default")
            let failedAt = try XCTUnwrap(record?.failedAt)
            let parsed = try XCTUnwrap(Self.parse(failedAt, newYork), failedAt)
            XCTAssertLessThan(abs(parsed.timeIntervalSince(before)), 5, failedAt)
            // Our own timestamps are formatted the same way PHP formatted this one.
            XCTAssertEqual(LaravelTimestamp.format(parsed, timeZone: newYorkZone), failedAt)

            let all = try await provider.all()
            XCTAssertEqual(all.map(\.uuid), [uuid])
            let forgotten = try await provider.forget(uuid)
            XCTAssertTrue(forgotten)
            let gone = try LaravelDatabasePHP.run(db, "failed.find", ["id": uuid])
            XCTAssertTrue(gone is NSNull, "\(String(describing: gone))")
        }
    }

    /// Our table has the same columns, types, defaults and unique index as Laravel's migration.
    func testCreatedTableMatchesLaravelsMigration() async throws {
        try await QueueTestDatabases.forEach { ours in
            let provider = DatabaseUuidFailedJobProvider(connection: ours.connection)
            try await provider.createTableIfMissing()
            let theirs = ours.connection.dialect == .sqlite ? try QueueTestDatabases.sqlite() : try await QueueTestDatabases.postgres()
            _ = try LaravelDatabasePHP.run(theirs, "migrate")
            let expected = try await Self.describe("failed_jobs", theirs.connection)
            try await theirs.cleanup()
            let actual = try await Self.describe("failed_jobs", ours.connection)
            XCTAssertEqual(actual, expected)
            XCTAssertFalse(actual.isEmpty)
        }
    }

    /// Columns (name, type, nullability, default) and indexes of a table, comparable across databases.
    static func describe(_ table: String, _ db: any SQLConnection) async throws -> [String] {
        switch db.dialect {
        case .sqlite:
            let columns = try await db.query("select name, type, \"notnull\", dflt_value, pk from pragma_table_info(?)", [.text(table)])
            let indexes = try await db.query(
                "select il.name, il.\"unique\", ii.name as col from pragma_index_list(?) il join pragma_index_info(il.name) ii order by il.name",
                [.text(table)])
            return (columns + indexes).map { $0.values.map { $0.string ?? "NULL" }.joined(separator: "|") }
        case .postgres:
            let columns = try await db.query(
                "select column_name, data_type, character_maximum_length, datetime_precision, is_nullable, column_default "
                    + "from information_schema.columns where table_name = ? order by ordinal_position", [.text(table)])
            let indexes = try await db.query(
                "select indexname, indexdef from pg_indexes where tablename = ? order by indexname", [.text(table)])
            return (columns + indexes).map { $0.values.map { $0.string ?? "NULL" }.joined(separator: "|") }
        }
    }

    static func parse(_ text: String, _ zone: TimeZone) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.date(from: text)
    }
}
