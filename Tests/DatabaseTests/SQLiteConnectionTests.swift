import Database
import TestSupport
import XCTest

final class SQLiteConnectionTests: XCTestCase {
    private var path = ""
    private var db: SQLiteConnection!

    override func setUp() async throws {
        path = try TestDatabases.freshSQLitePath()
        db = try SQLiteConnection(path: path)
    }

    override func tearDown() async throws {
        db?.close()
    }

    func testRoundTripsValues() async throws { try await ConnectionChecks.roundTripsValues(db) }
    func testCountsAffectedRows() async throws { try await ConnectionChecks.countsAffectedRows(db) }
    func testCommitsAndRollsBack() async throws { try await ConnectionChecks.commitsAndRollsBack(db) }
    func testReportsErrors() async throws { try await ConnectionChecks.reportsErrors(db) }
    func testRejectsWrongBindingCounts() async throws { try await ConnectionChecks.rejectsWrongBindingCounts(db) }
    func testFailsAfterClose() async throws { try await ConnectionChecks.failsAfterClose(db) }

    func testSerializesTransactionsAcrossTasksAndFiles() async throws {
        let second = try SQLiteConnection(path: path)
        defer { second.close() }
        try await ConnectionChecks.serializesTransactions(db, second)
    }

    func testRunsSeveralStatementsWithTheirOwnBindings() async throws {
        try await db.execute(
            """
            create table a (v text); -- first
            create table b (v text);
            insert into a (v) values (?); insert into b (v) values (?);
            """, ["one", "two"])
        let a = try await db.first("select v from a")?["v"]
        let b = try await db.first("select v from b")?["v"]
        XCTAssertEqual(a, "one")
        XCTAssertEqual(b, "two")
    }

    func testTextThatIsNotUTF8ComesBackAsBytes() async throws {
        let row = try await db.first("select cast(x'61ff62' as text) as t, 'ok' as u")
        XCTAssertEqual(row?["t"], .blob([0x61, 0xFF, 0x62]))
        XCTAssertEqual(row?["u"], .text("ok"))
    }

    func testRefusesMissingFileWhenNotCreating() throws {
        let missing = try TestDatabases.freshSQLitePath() + ".absent"
        XCTAssertThrowsError(try SQLiteConnection(path: missing, createIfMissing: false)) { error in
            XCTAssertEqual((error as? DatabaseError)?.kind, .connection)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
    }

    func testSeesWritesOfOtherProcesses() async throws {
        try await db.execute("create table shared (v text)")
        try ProcessRunner.run([
            "php", "-r", "(new PDO('sqlite:' . $argv[1]))->exec(\"insert into shared (v) values ('from-php')\");", "--", path,
        ])
        let fromPHP = try await db.first("select v from shared")?["v"]
        XCTAssertEqual(fromPHP, "from-php")
    }
}
