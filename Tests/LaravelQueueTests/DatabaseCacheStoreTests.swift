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

final class DatabaseCacheStoreTests: XCTestCase {
    typealias Clock = FailedJobProviderTests.Clock
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    private func store(_ db: QueueTestDatabase, _ clock: Clock, prefix: String = "app_cache_") async throws -> DatabaseCacheStore {
        let store = DatabaseCacheStore(connection: db.connection, prefix: prefix) { clock.now }
        try await store.createTableIfMissing()
        try await store.createTableIfMissing()
        return store
    }

    private func raw(_ db: QueueTestDatabase, _ key: String) async throws -> (value: String?, expiration: Int?)? {
        let row = try await db.connection.first("select \"value\", \"expiration\" from \"cache\" where \"key\" = ?", [.text(key)])
        return row.map { ($0["value"]?.string, $0["expiration"]?.int) }
    }

    func testPutGetAndTheStoredForm() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let store = try await self.store(db, clock)
            try await store.put("n", .int(123), seconds: 60)
            try await store.put("flag", .bool(true), seconds: 60)
            try await store.put("s", .string("héllo"), seconds: 60)
            try await store.put("nothing", .null, seconds: 60)
            let values = [try await store.get("n"), try await store.get("flag"), try await store.get("s"), try await store.get("nothing")]
            XCTAssertEqual(values, [.int(123), .bool(true), .string("héllo"), .null])
            let missing = try await store.get("absent")
            XCTAssertNil(missing)

            let n = try await self.raw(db, "app_cache_n")
            XCTAssertEqual(n?.value, "i:123;")
            XCTAssertEqual(n?.expiration, 1_700_000_060)
            let s = try await self.raw(db, "app_cache_s")
            XCTAssertEqual(s?.value, "s:6:\"héllo\";")
            let serialized = try await store.getSerialized("flag")
            XCTAssertEqual(serialized, Array("b:1;".utf8))

            // Overwrite (upsert) replaces value and expiration.
            try await store.put("n", .int(7), seconds: 5)
            let again = try await self.raw(db, "app_cache_n")
            XCTAssertEqual(again?.value, "i:7;")
            XCTAssertEqual(again?.expiration, 1_700_000_005)
        }
    }

    func testExpiredEntriesAreGoneAndDeleted() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let store = try await self.store(db, clock)
            try await store.put("k", .int(1), seconds: 10)
            clock.advance(hours: 9.0 / 3600)
            let alive = try await store.get("k")
            XCTAssertEqual(alive, .int(1))
            clock.advance(hours: 1.0 / 3600)  // now == expiration: expired, as in Laravel
            let expired = try await store.get("k")
            XCTAssertNil(expired)
            let row = try await self.raw(db, "app_cache_k")
            XCTAssertNil(row)

            // A TTL of zero or less forgets, as Cache::put does.
            try await store.put("gone", .int(1), seconds: 60)
            try await store.put("gone", .int(2), seconds: 0)
            let gone = try await self.raw(db, "app_cache_gone")
            XCTAssertNil(gone)
        }
    }

    func testAddOnlyWhenAbsentOrExpired() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let store = try await self.store(db, clock)
            let first = try await store.add("lock", .string("a"), seconds: 10)
            let second = try await store.add("lock", .string("b"), seconds: 10)
            let zero = try await store.add("other", .string("z"), seconds: 0)
            XCTAssertEqual([first, second, zero], [true, false, false])
            let kept = try await store.get("lock")
            XCTAssertEqual(kept, .string("a"))
            clock.advance(hours: 10.0 / 3600)
            let afterExpiry = try await store.add("lock", .string("c"), seconds: 10)
            XCTAssertTrue(afterExpiry)
            let replaced = try await store.get("lock")
            XCTAssertEqual(replaced, .string("c"))
        }
    }

    func testIncrementFollowsLaravel() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let store = try await self.store(db, clock)
            let absent = try await store.increment("job-exceptions:x")
            XCTAssertNil(absent)

            try await store.put("job-exceptions:x", .int(0), seconds: 86400)
            let one = try await store.increment("job-exceptions:x")
            let three = try await store.increment("job-exceptions:x", by: 2)
            let two = try await store.decrement("job-exceptions:x")
            XCTAssertEqual([one, three, two], [1, 3, 2])
            let row = try await self.raw(db, "app_cache_job-exceptions:x")
            XCTAssertEqual(row?.value, "i:2;")
            XCTAssertEqual(row?.expiration, 1_700_086_400, "increment keeps the expiration")

            try await store.put("numeric", .string(" 1.9e1"), seconds: 60)
            let fromString = try await store.increment("numeric")
            XCTAssertEqual(fromString, 20)
            try await store.put("float", .double(2.7), seconds: 60)
            let fromFloat = try await store.increment("float")
            XCTAssertEqual(fromFloat, 3)
            for (key, value) in [("word", PHPValue.string("abc")), ("bool", .bool(true)), ("null", .null), ("mixed", .string("12abc"))] {
                try await store.put(key, value, seconds: 60)
                let result = try await store.increment(key)
                XCTAssertNil(result, key)
                let unchanged = try await store.get(key)
                XCTAssertEqual(unchanged, value, key)
            }
        }
    }

    func testConcurrentIncrementsFromTwoSessionsAreNotLost() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let first = try await self.store(db, clock)
            let other: any SQLConnection =
                db.connection.dialect == .postgres
                ? try await PostgresConnection(configuration: (db.connection as! PostgresConnection).configuration)
                : try SQLiteConnection(path: (db.connection as! SQLiteConnection).path)
            defer { other.close() }
            let second = DatabaseCacheStore(connection: other, prefix: "app_cache_") { clock.now }
            try await first.put("counter", .int(0), seconds: 600)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<30 {
                    let store = i % 2 == 0 ? first : second
                    group.addTask { _ = try await store.increment("counter") }
                }
                try await group.waitForAll()
            }
            let total = try await first.get("counter")
            XCTAssertEqual(total, .int(30))
        }
    }

    func testForeverAndForget() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let store = try await self.store(db, clock, prefix: "")
            try await store.forever("illuminate:queue:restart", .int(1_699_999_999))
            let row = try await self.raw(db, "illuminate:queue:restart")
            XCTAssertEqual(row?.value, "i:1699999999;")
            XCTAssertEqual(row?.expiration, 1_700_000_000 + 315_360_000)
            try await store.put("illuminate:cache:flexible:created:illuminate:queue:restart", .int(1), seconds: 60)
            let forgotten = try await store.forget("illuminate:queue:restart")
            XCTAssertTrue(forgotten)
            let count = try await db.connection.first("select count(*) as c from \"cache\"")?["c"]?.int
            XCTAssertEqual(count, 0)
        }
    }

    func testValuesWithNulBytes() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let store = try await self.store(db, clock)
            let value = PHPValue.string([0x61, 0x00, 0x62])
            try await store.put("nul", value, seconds: 60)
            let back = try await store.get("nul")
            XCTAssertEqual(back, value)
            let row = try await self.raw(db, "app_cache_nul")
            // PostgreSQL text cannot hold NUL: Laravel base64-encodes such values there.
            let expected = db.connection.dialect == .postgres ? Data("s:3:\"a\0b\";".utf8).base64EncodedString() : "s:3:\"a\0b\";"
            XCTAssertEqual(row?.value, expected)
        }
    }
}
