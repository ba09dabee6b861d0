import Database
import Spark
import SparkTestSupport
import XCTest

/// An app with tables of its own under Spark's names but none of Spark's data tables is not a Spark database.
final class SparkSchemaAbsenceTests: XCTestCase {
    func testAnAppsOwnIntegrationsTableIsNotSparks() async throws {
        let path = try SparkTestDatabase.emptySQLitePath()
        let connection = try SQLiteConnection(path: path)
        defer { connection.close() }
        try await connection.execute("create table integrations (id varchar primary key, provider varchar)")
        let outcome = try await SparkSchemaCheck.check(connection)
        XCTAssertEqual(outcome, .absent)
        try await connection.execute("create table events (id varchar primary key)")
        let partial = try await SparkSchemaCheck.check(connection)
        XCTAssertEqual(partial, .incompatible("table users is missing"))
    }
}
