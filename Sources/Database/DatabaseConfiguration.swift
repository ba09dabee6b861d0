#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The app's database connection as Laravel's `config/database.php` describes it from `.env`.
public struct DatabaseConfiguration: Sendable, Hashable {
    public enum Driver: Sendable, Hashable {
        /// An SQLite file (absolute path), or `:memory:`.
        case sqlite(path: String)
        case postgres(PostgresConfiguration)
    }

    public var driver: Driver
    /// Laravel's connection name (`DB_CONNECTION`): `sqlite` or `pgsql`. Failed jobs record the
    /// *queue* connection, not this, but logs and errors name it.
    public var connectionName: String

    public init(driver: Driver, connectionName: String) {
        self.driver = driver
        self.connectionName = connectionName
    }

    /// Reads `DB_CONNECTION` (default `sqlite`, as in Laravel 11+ skeletons), `DB_URL` (or the pre-11
    /// `DATABASE_URL`), `DB_HOST`, `DB_PORT`, `DB_DATABASE`, `DB_USERNAME`, `DB_PASSWORD` and `DB_SSLMODE`.
    /// A relative SQLite path is taken from `appRoot` (the current directory when `nil`); the default
    /// is `database/database.sqlite` there. MySQL, MariaDB and SQL Server are refused with a clear error.
    public static func fromEnvironment(_ env: [String: String], appRoot: String?) throws -> DatabaseConfiguration {
        func value(_ name: String) -> String? {
            guard let v = env[name], !v.isEmpty else { return nil }
            return v
        }
        let connectionName = value("DB_CONNECTION") ?? "sqlite"
        var driver = connectionName
        var database = value("DB_DATABASE")
        var host = value("DB_HOST")
        var port = value("DB_PORT")
        var username = value("DB_USERNAME")
        var password = env["DB_PASSWORD"]
        var sslmode = value("DB_SSLMODE")

        if let url = value("DB_URL") ?? value("DATABASE_URL") {
            let parsed = try DatabaseURL(url)
            driver = parsed.driver ?? driver
            database = parsed.database ?? database
            host = parsed.host ?? host
            port = parsed.port.map(String.init) ?? port
            username = parsed.username ?? username
            password = parsed.password ?? password
            sslmode = parsed.query["sslmode"] ?? sslmode
        }

        switch driver {
        case "sqlite":
            let path = database ?? "database/database.sqlite"
            return DatabaseConfiguration(driver: .sqlite(path: resolve(path, appRoot: appRoot)), connectionName: connectionName)
        case "pgsql":
            guard let portNumber = Int(port ?? "5432") else {
                throw DatabaseError(kind: .configuration, message: "DB_PORT must be a number, got \(port ?? "")")
            }
            let pg = PostgresConfiguration(
                host: host ?? "127.0.0.1", port: portNumber, database: database ?? "laravel",
                username: username ?? "root", password: password, sslmode: sslmode ?? "prefer")
            return DatabaseConfiguration(driver: .postgres(pg), connectionName: connectionName)
        case "mysql", "mariadb", "sqlsrv":
            throw DatabaseError(
                kind: .configuration,
                message: "DB_CONNECTION=\(connectionName) (\(driver)) is unsupported: Shuttle speaks SQLite and PostgreSQL only")
        default:
            throw DatabaseError(
                kind: .configuration,
                message: "unknown database connection '\(connectionName)': Shuttle understands sqlite and pgsql")
        }
    }

    /// Opens a new session.
    public func connect() async throws -> any SQLConnection {
        switch driver {
        case .sqlite(let path): return try SQLiteConnection(path: path)
        case .postgres(let configuration): return try await PostgresConnection(configuration: configuration)
        }
    }

    private static func resolve(_ path: String, appRoot: String?) -> String {
        if path == ":memory:" || path.hasPrefix("/") { return path }
        let base = appRoot ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }
}
