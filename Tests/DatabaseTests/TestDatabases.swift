import Database
import Foundation
import TestSupport

/// Fresh, private databases for one test: a new PostgreSQL database on the test server, or a new SQLite
/// file in a scratch directory. Tests fail (not skip) when the server is not running.
enum TestDatabases {
    static func postgresConfiguration(database: String = "postgres") throws -> PostgresConfiguration {
        PostgresConfiguration(
            host: "127.0.0.1", port: try TestEnvironment.postgresPort(), database: database, username: "postgres",
            sslmode: "disable")
    }

    /// Creates `t_<random>` and returns a connection to it; `drop` removes it again.
    static func freshPostgres() async throws -> (connection: PostgresConnection, name: String) {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try await PostgresConnection(configuration: try postgresConfiguration())
        defer { admin.close() }
        try await admin.execute("create database \(name)")
        return (try await PostgresConnection(configuration: try postgresConfiguration(database: String(name))), String(name))
    }

    static func drop(_ name: String) async throws {
        let admin = try await PostgresConnection(configuration: try postgresConfiguration())
        defer { admin.close() }
        try await admin.execute("drop database if exists \(name) with (force)")
    }

    static func freshSQLitePath() throws -> String {
        try TestEnvironment.temporaryDirectory("shuttle-db").appendingPathComponent("test.sqlite").path
    }
}
