import Database
import XCTest

final class PostgresConnectionTests: XCTestCase {
    private var dbName = ""
    private var db: PostgresConnection!

    override func setUp() async throws {
        (db, dbName) = try await TestDatabases.freshPostgres()
    }

    override func tearDown() async throws {
        db?.close()
        if !dbName.isEmpty { try await TestDatabases.drop(dbName) }
    }

    func testRoundTripsValues() async throws { try await ConnectionChecks.roundTripsValues(db) }
    func testCountsAffectedRows() async throws { try await ConnectionChecks.countsAffectedRows(db) }
    func testCommitsAndRollsBack() async throws { try await ConnectionChecks.commitsAndRollsBack(db) }
    func testReportsErrors() async throws { try await ConnectionChecks.reportsErrors(db) }
    func testRejectsWrongBindingCounts() async throws { try await ConnectionChecks.rejectsWrongBindingCounts(db) }
    func testFailsAfterClose() async throws { try await ConnectionChecks.failsAfterClose(db) }

    func testSerializesTransactionsAcrossTasksAndSessions() async throws {
        let second = try await PostgresConnection(configuration: try TestDatabases.postgresConfiguration(database: dbName))
        defer { second.close() }
        try await ConnectionChecks.serializesTransactions(db, second)
    }

    func testPlaceholdersInsideQuotesAndEscapedQuestionMarksStayLiteral() async throws {
        let row = try await db.first(
            "select '?' as q, \"?\" as v, ? as w, '{\"a\":1}'::jsonb ?? 'a' as has /* ? */ from (select ? as \"?\") s -- ?",
            ["bound", "inner"])
        XCTAssertEqual(row?["q"], "?")
        XCTAssertEqual(row?["v"], "inner")
        XCTAssertEqual(row?["w"], "bound")
        XCTAssertEqual(row?["has"], .int(1))
    }

    func testMapsServerTypes() async throws {
        let row = try await db.first(
            "select 1::int2 as a, 2::int4 as b, 3::int8 as c, 1.5::float4 as d, 2.25::float8 as e, 12.50::numeric as f, "
                + "true as g, false as h, '\\x00ff'::bytea as i, '2024-05-06 07:08:09'::timestamp(0) as j")
        XCTAssertEqual(row?.values, [1, 2, 3, 1.5, 2.25, "12.50", 1, 0, .blob([0, 255]), "2024-05-06 07:08:09"])
    }

    func testReconnectsAfterTheServerDroppedTheSession() async throws {
        let backend = try await db.first("select pg_backend_pid() as pid")?["pid"]?.int
        let pid = try XCTUnwrap(backend)
        let admin = try await PostgresConnection(configuration: try TestDatabases.postgresConfiguration())
        defer { admin.close() }
        let killed = try await admin.first("select pg_terminate_backend(?) as ok", [.int(pid)])
        XCTAssertEqual(killed?["ok"], 1)
        let after = try await db.first("select pg_backend_pid() as pid")?["pid"]?.int
        XCTAssertNotNil(after)
        XCTAssertNotEqual(after, pid)
    }

    func testLostSessionInsideATransactionIsAnError() async throws {
        let admin = try await PostgresConnection(configuration: try TestDatabases.postgresConfiguration())
        defer { admin.close() }
        do {
            try await db.transaction { tx in
                let backend = try await tx.first("select pg_backend_pid() as pid")?["pid"]
                let pid = try XCTUnwrap(backend)
                try await admin.execute("select pg_terminate_backend(?)", [pid])
                _ = try await tx.query("select 1")
            }
            XCTFail("statement on a dead session inside a transaction succeeded")
        } catch let error as DatabaseError {
            XCTAssertEqual(error.kind, .connection, "\(error)")
        }
        let alive = try await db.first("select 7 as v")?["v"]
        XCTAssertEqual(alive, 7)
    }

    func testRefusesUnreachableServer() async throws {
        var config = try TestDatabases.postgresConfiguration()
        config.port = 1
        config.connectTimeout = 2
        do {
            _ = try await PostgresConnection(configuration: config)
            XCTFail("connected to port 1")
        } catch let error as DatabaseError {
            XCTAssertEqual(error.kind, .connection)
            XCTAssertTrue(error.message.contains("127.0.0.1:1"), error.message)
        }
    }
}
