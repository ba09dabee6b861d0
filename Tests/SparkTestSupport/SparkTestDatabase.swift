import Database
import Foundation
import Spark
import TestSupport

/// A fresh Spark database for one test on either backend, with the schema, one user, one group of a service
/// and its instances (Monzo by default: `accounts` master, `transactions`, `pots`, `balances`). The same tests
/// run on both. Shared by the integrations' test targets.
public final class SparkTestDatabase: Sendable {
    public enum Backend: String, Sendable { case sqlite, postgres }

    /// What the seeded group is: its service, `account_id`, instances, and the instances' `account_id` (a webhook
    /// service's instances carry the group's secret there; Monzo's have none).
    public struct Seed: Sendable {
        public var service: String
        public var accountId: String
        public var instanceTypes: [String]
        public var instanceAccountId: String?

        public init(service: String, accountId: String, instanceTypes: [String], instanceAccountId: String? = nil) {
            self.service = service
            self.accountId = accountId
            self.instanceTypes = instanceTypes
            self.instanceAccountId = instanceAccountId
        }

        public static let monzo = Seed(service: "monzo", accountId: "acc_0000FAKE0000CURRENT0001",
                                       instanceTypes: ["accounts", "transactions", "pots", "balances"])
    }

    public let backend: Backend
    public let connection: any SQLConnection
    /// The same database as a Laravel connection, for pools.
    public let configuration: DatabaseConfiguration
    private let dropName: String?
    public let seedData: Seed
    public let userId = UUID().uuidString.lowercased()
    public let groupId = UUID().uuidString.lowercased()
    /// instance type → integration id.
    public let integrations: [String: String]

    private init(backend: Backend, connection: any SQLConnection, configuration: DatabaseConfiguration, dropName: String?, seed: Seed) {
        self.backend = backend
        self.configuration = configuration
        self.connection = connection
        self.dropName = dropName
        self.seedData = seed
        integrations = Dictionary(uniqueKeysWithValues: seed.instanceTypes.map { ($0, UUID().uuidString.lowercased()) })
    }

    public static func postgresConfiguration(database: String) throws -> PostgresConfiguration {
        PostgresConfiguration(host: "127.0.0.1", port: try TestEnvironment.postgresPort(), database: database,
                              username: "postgres", sslmode: "disable")
    }

    /// Creates the database and seeds it. `seedMaster: false` leaves the `accounts` instance out, so jobs create it.
    public static func make(_ backend: Backend, seedMaster: Bool = true, seed: Seed = .monzo) async throws -> SparkTestDatabase {
        let database: SparkTestDatabase
        switch backend {
        case .sqlite:
            let path = try TestEnvironment.temporaryDirectory("spark-db").appendingPathComponent("spark.sqlite").path
            database = SparkTestDatabase(backend: .sqlite, connection: try SQLiteConnection(path: path),
                                         configuration: DatabaseConfiguration(driver: .sqlite(path: path), connectionName: "sqlite"),
                                         dropName: nil, seed: seed)
        case .postgres:
            let name = "spark_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let admin = try await PostgresConnection(configuration: try postgresConfiguration(database: "postgres"))
            try await admin.execute("create database \(name)")
            admin.close()
            let configuration = try postgresConfiguration(database: String(name))
            database = SparkTestDatabase(backend: .postgres, connection: try await PostgresConnection(configuration: configuration),
                                         configuration: DatabaseConfiguration(driver: .postgres(configuration), connectionName: "pgsql"),
                                         dropName: String(name), seed: seed)
        }
        try await SparkSchema.create(on: database.connection)
        try await database.seed(master: seedMaster)
        return database
    }

    private func seed(master: Bool) async throws {
        let now = "2025-09-01 00:00:00"
        try await connection.execute(
            "insert into users (id, name, email, password, created_at, updated_at) values (?, 'Test User', 'test@example.invalid', 'x', ?, ?)",
            [.text(userId), .text(now), .text(now)])
        try await connection.execute(
            "insert into integration_groups (id, user_id, service, account_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?)",
            [.text(groupId), .text(userId), .text(seedData.service), .text(seedData.accountId), .text(now), .text(now)])
        for (type, id) in integrations.sorted(by: { $0.key < $1.key }) where master || type != "accounts" {
            try await connection.execute(
                """
                insert into integrations (id, user_id, integration_group_id, service, name, account_id, instance_type, configuration,
                  created_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?)
                """,
                [.text(id), .text(userId), .text(groupId), .text(seedData.service), .text(type), .text(seedData.instanceAccountId),
                 .text(type), .text(now), .text(now)])
        }
    }

    /// A new SQLite file without any table.
    public static func emptySQLitePath() throws -> String {
        try TestEnvironment.temporaryDirectory("spark-empty").appendingPathComponent("empty.sqlite").path
    }

    public func store(at clock: SparkClock) -> SparkStore {
        SparkStore(database: SingleSessionDatabase(connection), clock: clock)
    }

    /// Rows of a query as column → value.
    public func rows(_ sql: String, _ bindings: [SQLValue] = []) async throws -> [[String: SQLValue]] {
        try await connection.query(sql, bindings).map { row in
            Dictionary(uniqueKeysWithValues: zip(row.columns, row.values).map { ($0, $1) })
        }
    }

    public func count(_ table: String, _ condition: String = "1 = 1") async throws -> Int {
        try await connection.query("select count(*) as n from \(table) where \(condition)").first?["n"]?.int ?? -1
    }

    /// A datetime column as `YYYY-MM-DD HH:MM:SS` on either backend.
    public func time(_ column: String) -> String {
        backend == .postgres ? "to_char(\(column), 'YYYY-MM-DD HH24:MI:SS')" : column
    }

    public func json(_ column: String) -> String {
        backend == .postgres ? "\(column)::text" : column
    }

    public func close() async throws {
        connection.close()
        if let dropName {
            let admin = try await PostgresConnection(configuration: try Self.postgresConfiguration(database: "postgres"))
            defer { admin.close() }
            try await admin.execute("drop database if exists \(dropName) with (force)")
        }
    }
}
