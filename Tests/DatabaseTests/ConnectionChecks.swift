import Database
import XCTest

/// Behaviour every `SQLConnection` must show, run by the SQLite and the PostgreSQL test classes alike.
enum ConnectionChecks {
    static func roundTripsValues(_ db: any SQLConnection) async throws {
        let blobType = db.dialect == .postgres ? "bytea" : "blob"
        try await db.execute(
            "create table vals (id integer primary key, i bigint, d double precision, s text, b \(blobType), n text)")
        let rows: [[SQLValue]] = [
            [1, .int(Int64.max), -2.5, "héllo ✓ 'quoted' ? $1", .blob(Array(0...255)), .null],
            [2, .int(Int64.min), 1e-300, "", .blob([]), "x"],
        ]
        for row in rows {
            let changed = try await db.execute("insert into vals (id, i, d, s, b, n) values (?, ?, ?, ?, ?, ?)", row)
            XCTAssertEqual(changed, 1)
        }
        let back = try await db.query("select id, i, d, s, b, n from vals order by id")
        XCTAssertEqual(back.map(\.values), rows)
        XCTAssertEqual(back.first?.columns, ["id", "i", "d", "s", "b", "n"])
        XCTAssertEqual(back.first?["s"], .text("héllo ✓ 'quoted' ? $1"))
        XCTAssertNil(back.first?["missing"])
    }

    static func countsAffectedRows(_ db: any SQLConnection) async throws {
        try await db.execute("create table items (id integer primary key, name text not null)")
        for id in 1...5 { try await db.execute("insert into items (id, name) values (?, ?)", [.int(id), .text("n\(id)")]) }
        let updated = try await db.execute("update items set name = ? where id > ?", ["big", 3])
        XCTAssertEqual(updated, 2)
        let deleted = try await db.execute("delete from items where name = ?", ["big"])
        XCTAssertEqual(deleted, 2)
        let none = try await db.execute("delete from items where id = ?", [99])
        XCTAssertEqual(none, 0)
        let count = try await db.first("select count(*) as c from items")
        XCTAssertEqual(count?["c"]?.int, 3)
    }

    struct Rollback: Error {}

    static func commitsAndRollsBack(_ db: any SQLConnection) async throws {
        try await db.execute("create table tx (id integer primary key)")
        let inserted = try await db.transaction { tx in
            try await tx.execute("insert into tx (id) values (?)", [1])
        }
        XCTAssertEqual(inserted, 1)
        do {
            try await db.transaction { tx in
                try await tx.execute("insert into tx (id) values (?)", [2])
                throw Rollback()
            }
            XCTFail("transaction should have thrown")
        } catch is Rollback {}
        // A nested transaction is a savepoint: its rollback keeps the outer work.
        try await db.transaction { tx in
            try await tx.execute("insert into tx (id) values (?)", [3])
            _ = try? await tx.transaction { inner in
                try await inner.execute("insert into tx (id) values (?)", [4])
                throw Rollback()
            }
            try await tx.transaction { inner in try await inner.execute("insert into tx (id) values (?)", [5]) }
        }
        let ids = try await db.query("select id from tx order by id").compactMap { $0["id"]?.int }
        XCTAssertEqual(ids, [1, 3, 5])
    }

    /// Read-modify-write transactions from many tasks and from two sessions must not lose updates.
    static func serializesTransactions(_ first: any SQLConnection, _ second: any SQLConnection) async throws {
        try await first.execute("create table counter (id integer primary key, n integer not null)")
        try await first.execute("insert into counter (id, n) values (1, 0)")
        let lockSuffix = first.forUpdate
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                let db = index % 2 == 0 ? first : second
                group.addTask {
                    try await db.transaction { tx in
                        let current = try await tx.first("select n from counter where id = ?\(lockSuffix)", [1])
                        let n = try XCTUnwrap(current?["n"]?.int)
                        try await Task.sleep(nanoseconds: 1_000_000)
                        try await tx.execute("update counter set n = ? where id = ?", [.int(n + 1), 1])
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await first.first("select n from counter")?["n"]?.int
        XCTAssertEqual(final, 20)
    }

    static func reportsErrors(_ db: any SQLConnection) async throws {
        try await db.execute("create table uniq (k varchar(20) not null primary key)")
        try await db.execute("insert into uniq (k) values (?)", ["a"])
        do {
            try await db.execute("insert into uniq (k) values (?)", ["a"])
            XCTFail("duplicate key accepted")
        } catch let error as DatabaseError {
            XCTAssertTrue(error.isUniqueViolation, "\(error)")
            XCTAssertEqual(error.kind, .statement)
            XCTAssertEqual(error.sql, "insert into uniq (k) values (?)")
            if db.dialect == .postgres { XCTAssertEqual(error.sqlState, "23505") }
        }
        do {
            _ = try await db.query("selec 1")
            XCTFail("bad SQL accepted")
        } catch let error as DatabaseError {
            XCTAssertTrue(error.message.contains("syntax"), error.message)
            XCTAssertFalse(error.isUniqueViolation)
            if db.dialect == .postgres { XCTAssertEqual(error.sqlState, "42601") }
        }
        // The session is still usable after errors, also inside a transaction that failed.
        _ = try? await db.transaction { tx in try await tx.execute("insert into uniq (k) values (?)", ["a"]) }
        let count = try await db.first("select count(*) as c from uniq")?["c"]?.int
        XCTAssertEqual(count, 1)
    }

    static func rejectsWrongBindingCounts(_ db: any SQLConnection) async throws {
        do {
            _ = try await db.query("select ? as a, ? as b", [1])
            XCTFail("missing binding accepted")
        } catch is DatabaseError {}
        do {
            _ = try await db.query("select ? as a", [1, 2])
            XCTFail("extra binding accepted")
        } catch is DatabaseError {}
    }

    static func failsAfterClose(_ db: any SQLConnection) async throws {
        db.close()
        do {
            _ = try await db.query("select 1")
            XCTFail("closed connection answered")
        } catch let error as DatabaseError {
            XCTAssertEqual(error.kind, .closed)
        }
    }
}
