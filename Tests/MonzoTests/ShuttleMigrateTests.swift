import Database
import Foundation
import Spark
import SparkTestSupport
import TestSupport
import XCTest

/// `shuttle migrate` as a process: on an empty database it creates Spark's and the queue's tables; run again
/// it changes nothing; on a database missing a column Shuttle writes it fails naming table and column.
final class ShuttleMigrateTests: XCTestCase {
    func testMigrateOnSQLite() async throws {
        let path = try SparkTestDatabase.emptySQLitePath()
        let environment = ["DB_CONNECTION": "sqlite", "DB_DATABASE": path]
        try await migrate(environment) { try SQLiteConnection(path: path) }
    }

    func testMigrateOnPostgreSQL() async throws {
        let name = "spark_migrate_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        let admin = try await PostgresConnection(configuration: try SparkTestDatabase.postgresConfiguration(database: "postgres"))
        try await admin.execute("create database \(name)")
        let configuration = try SparkTestDatabase.postgresConfiguration(database: String(name))
        let environment = ["DB_CONNECTION": "pgsql", "DB_HOST": configuration.host, "DB_PORT": String(configuration.port),
                           "DB_DATABASE": configuration.database, "DB_USERNAME": "postgres", "DB_SSLMODE": "disable"]
        do {
            try await migrate(environment) { try await PostgresConnection(configuration: configuration) }
        } catch {
            _ = try? await admin.execute("drop database if exists \(name) with (force)")
            admin.close()
            throw error
        }
        try await admin.execute("drop database if exists \(name) with (force)")
        admin.close()
    }

    private func migrate(_ environment: [String: String], connect: () async throws -> any SQLConnection) async throws {
        let created = try shuttle(["migrate"], environment)
        XCTAssertEqual(created.status, 0, created.stderrText)
        let connection = try await connect()
        defer { connection.close() }
        let outcome = try await SparkSchemaCheck.check(connection)
        XCTAssertEqual(outcome, .compatible)
        for table in ["failed_jobs", "cache", "job_batches"] {
            let rows = try await connection.query("select count(*) as n from \(table)")
            XCTAssertEqual(rows.first?["n"]?.int, 0, table)
        }
        let again = try shuttle(["migrate"], environment)
        XCTAssertEqual(again.status, 0, again.stderrText)
        try await connection.execute("alter table events drop column value_unit")
        let refused = try shuttle(["migrate"], environment)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderrText.contains("column events.value_unit is missing"), refused.stderrText)
    }

    private func shuttle(_ arguments: [String], _ environment: [String: String]) throws -> ProcessResult {
        let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle").path
        let directory = try TestEnvironment.temporaryDirectory("spark-migrate")
        return try ProcessRunner.run([binary] + arguments, environment: environment, currentDirectory: directory, check: false)
    }
}
