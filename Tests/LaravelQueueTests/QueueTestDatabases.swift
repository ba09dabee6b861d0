import Database
import Foundation
import TestSupport
import XCTest

/// A private database for one test, in both dialects, plus the matching connection config for PHP's
/// `Illuminate\Database\Capsule\Manager`, so real Laravel code can read and write the same tables.
struct QueueTestDatabase: Sendable {
    let connection: any SQLConnection
    /// JSON of the Capsule connection array.
    let phpConnectionJSON: String
    let label: String
    let cleanup: @Sendable () async throws -> Void
}

enum QueueTestDatabases {
    static func postgresConfiguration(database: String) throws -> PostgresConfiguration {
        PostgresConfiguration(
            host: "127.0.0.1", port: try TestEnvironment.postgresPort(), database: database, username: "postgres",
            sslmode: "disable")
    }

    static func sqlite() throws -> QueueTestDatabase {
        let path = try TestEnvironment.temporaryDirectory("shuttle-queue-db").appendingPathComponent("database.sqlite").path
        let connection = try SQLiteConnection(path: path)
        let php = try json(["driver": "sqlite", "database": path, "prefix": ""])
        return QueueTestDatabase(connection: connection, phpConnectionJSON: php, label: "sqlite") { connection.close() }
    }

    static func postgres() async throws -> QueueTestDatabase {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try await PostgresConnection(configuration: try postgresConfiguration(database: "postgres"))
        defer { admin.close() }
        try await admin.execute("create database \(name)")
        let connection = try await PostgresConnection(configuration: try postgresConfiguration(database: String(name)))
        let port = try TestEnvironment.postgresPort()
        let php = try json([
            "driver": "pgsql", "host": "127.0.0.1", "port": port, "database": String(name), "username": "postgres",
            "password": "", "charset": "utf8", "prefix": "", "schema": "public", "sslmode": "disable",
        ])
        return QueueTestDatabase(connection: connection, phpConnectionJSON: php, label: "pgsql") {
            connection.close()
            let admin = try await PostgresConnection(configuration: try postgresConfiguration(database: "postgres"))
            defer { admin.close() }
            try await admin.execute("drop database if exists \(name) with (force)")
        }
    }

    /// Runs `body` once with a fresh SQLite file and once with a fresh PostgreSQL database.
    static func forEach(_ body: (QueueTestDatabase) async throws -> Void) async throws {
        for make in [{ try sqlite() }, { try await postgres() }] as [() async throws -> QueueTestDatabase] {
            let db = try await make()
            do {
                try await body(db)
            } catch {
                try? await db.cleanup()
                throw Labelled(label: db.label, error: error)
            }
            try await db.cleanup()
        }
    }

    struct Labelled: Error, CustomStringConvertible {
        let label: String
        let error: any Error
        var description: String { "[\(label)] \(error)" }
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
