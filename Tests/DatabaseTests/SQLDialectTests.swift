import Database
import XCTest

final class SQLDialectTests: XCTestCase {
    func testSQLiteKeepsQuestionMarks() {
        XCTAssertEqual(SQLDialect.sqlite.prepare("select ? , '?'"), "select ? , '?'")
    }

    func testPostgresNumbersPlaceholdersOutsideQuotesAndComments() {
        XCTAssertEqual(
            SQLDialect.postgres.prepare("update t set a = ?, b = 'it''s ?' where \"c?\" = ? -- ?\nand d = ? /* ? */"),
            "update t set a = $1, b = 'it''s ?' where \"c?\" = $2 -- ?\nand d = $3 /* ? */")
        XCTAssertEqual(SQLDialect.postgres.prepare("select data ?? 'k', ?"), "select data ? 'k', $1")
        XCTAssertEqual(SQLDialect.postgres.prepare("select 'é?', ?"), "select 'é?', $1")
    }

    func testQuotesIdentifiers() {
        XCTAssertEqual(SQLDialect.postgres.quote(identifier: "key"), "\"key\"")
        XCTAssertEqual(SQLDialect.sqlite.quote(identifier: "we\"ird"), "\"we\"\"ird\"")
    }
}
