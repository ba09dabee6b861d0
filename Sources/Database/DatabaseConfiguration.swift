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
    /// The connection's name in `config/database.php` (`sqlite`, `pgsql`; the default is `DB_CONNECTION`).
    /// Failed jobs record the *queue* connection, not this, but logs, errors and pools name it.
    public var connectionName: String

    public init(driver: Driver, connectionName: String) {
        self.driver = driver
        self.connectionName = connectionName
    }

    /// The default connection (`DB_CONNECTION`, else `sqlite` as in Laravel 11+ skeletons): `named(nil, …)`.
    public static func fromEnvironment(_ env: [String: String], appRoot: String?) throws -> DatabaseConfiguration {
        try named(nil, environment: env, appRoot: appRoot)
    }

    /// The connection `name` (nil: `DB_CONNECTION`, else `sqlite`) of the skeleton's `config/database.php`.
    ///
    /// As there, every connection reads the same variables: `DB_URL` (or the pre-11 `DATABASE_URL`), whose
    /// scheme may change the driver, then `DB_HOST`, `DB_PORT`, `DB_DATABASE`, `DB_USERNAME`, `DB_PASSWORD`
    /// and `DB_SSLMODE`; `DB_CONNECTION` only picks the default. A relative SQLite path is taken from
    /// `appRoot` (the current directory when `nil`); the default is `database/database.sqlite` there.
    /// MySQL, MariaDB and SQL Server are refused, and so is a name the skeleton does not define, each on one line.
    public static func named(_ name: String?, environment env: [String: String], appRoot: String?) throws -> DatabaseConfiguration {
        func value(_ name: String) -> String? {
            guard let v = env[name], !v.isEmpty else { return nil }
            return v
        }
        let connectionName = name ?? value("DB_CONNECTION") ?? "sqlite"
        // How the error names the connection: the operator edits DB_CONNECTION, a developer the code that asked.
        let named = name == nil ? "DB_CONNECTION=\(connectionName)" : "database connection '\(connectionName)'"
        guard skeletonConnections.contains(connectionName) else {
            throw DatabaseError(
                kind: .configuration,
                message: "\(named) is not a connection of Laravel's config/database.php: Shuttle understands sqlite and pgsql")
        }
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
            let what = driver == connectionName ? named : "\(named): DB_URL's driver '\(driver)'"
            throw DatabaseError(kind: .configuration, message: "\(what) is unsupported: Shuttle speaks SQLite and PostgreSQL only")
        default:
            throw DatabaseError(
                kind: .configuration, message: "\(named): DB_URL's driver '\(driver)' is unknown: Shuttle understands sqlite and pgsql")
        }
    }

    /// The connections the skeleton's `config/database.php` defines (Laravel 11+ adds `mariadb`).
    public static let skeletonConnections: Set<String> = ["sqlite", "pgsql", "mysql", "mariadb", "sqlsrv"]

    /// Opens a new session. Opening SQLite blocks on the file, so it happens on a queue of its own, not
    /// on the cooperative pool.
    public func connect() async throws -> any SQLConnection {
        switch driver {
        case .sqlite(let path):
            return try await BlockingExecutor(label: "shuttle.sqlite.open").run { try SQLiteConnection(path: path) }
        case .postgres(let configuration): return try await PostgresConnection(configuration: configuration)
        }
    }

    private static func resolve(_ path: String, appRoot: String?) -> String {
        if path == ":memory:" || path.hasPrefix("/") { return path }
        let base = appRoot ?? FileManager.default.currentDirectoryPath
        return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }
}
