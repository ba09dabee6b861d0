import Database
import TestSupport
import XCTest

final class DatabaseConfigurationTests: XCTestCase {
    func testDefaultsToTheAppsSQLiteFile() throws {
        let config = try DatabaseConfiguration.fromEnvironment([:], appRoot: "/srv/app")
        XCTAssertEqual(config.driver, .sqlite(path: "/srv/app/database/database.sqlite"))
        XCTAssertEqual(config.connectionName, "sqlite")
    }

    func testSQLitePathsRelativeToTheAppRoot() throws {
        let relative = try DatabaseConfiguration.fromEnvironment(
            ["DB_CONNECTION": "sqlite", "DB_DATABASE": "storage/../db.sqlite"], appRoot: "/srv/app")
        XCTAssertEqual(relative.driver, .sqlite(path: "/srv/app/db.sqlite"))
        let absolute = try DatabaseConfiguration.fromEnvironment(["DB_DATABASE": "/var/db.sqlite"], appRoot: "/srv/app")
        XCTAssertEqual(absolute.driver, .sqlite(path: "/var/db.sqlite"))
    }

    func testPostgresFromLaravelVariables() throws {
        let config = try DatabaseConfiguration.fromEnvironment(
            [
                "DB_CONNECTION": "pgsql", "DB_HOST": "db.internal", "DB_PORT": "6543", "DB_DATABASE": "shop",
                "DB_USERNAME": "app", "DB_PASSWORD": "s3cret",
            ], appRoot: nil)
        XCTAssertEqual(config.connectionName, "pgsql")
        XCTAssertEqual(
            config.driver,
            .postgres(PostgresConfiguration(host: "db.internal", port: 6543, database: "shop", username: "app", password: "s3cret")))
    }

    func testURLOverridesTheSeparateVariables() throws {
        let config = try DatabaseConfiguration.fromEnvironment(
            [
                "DB_CONNECTION": "sqlite", "DB_HOST": "ignored",
                "DB_URL": "postgresql://u%40x:p%2Fw@pg.example:5433/appdb?sslmode=require",
            ], appRoot: nil)
        XCTAssertEqual(
            config.driver,
            .postgres(PostgresConfiguration(host: "pg.example", port: 5433, database: "appdb", username: "u@x", password: "p/w", sslmode: "require")))
        let legacy = try DatabaseConfiguration.fromEnvironment(["DATABASE_URL": "sqlite:///database/x.sqlite"], appRoot: "/app")
        XCTAssertEqual(legacy.driver, .sqlite(path: "/app/database/x.sqlite"))
    }

    func testRefusesMySQLClearly() {
        for name in ["mysql", "mariadb"] {
            XCTAssertThrowsError(try DatabaseConfiguration.fromEnvironment(["DB_CONNECTION": name], appRoot: nil)) { error in
                let error = error as? DatabaseError
                XCTAssertEqual(error?.kind, .configuration)
                XCTAssertTrue(error?.message.contains("unsupported") ?? false, "\(String(describing: error))")
            }
        }
        XCTAssertThrowsError(try DatabaseConfiguration.fromEnvironment(["DB_URL": "mysql://h/db"], appRoot: nil))
    }

    func testEveryConnectionNameReadsTheSameVariables() throws {
        let env = [
            "DB_CONNECTION": "sqlite", "DB_HOST": "db.internal", "DB_PORT": "6543", "DB_DATABASE": "shop",
            "DB_USERNAME": "app", "DB_PASSWORD": "s3cret",
        ]
        let byDefault = try DatabaseConfiguration.named(nil, environment: env, appRoot: "/srv/app")
        XCTAssertEqual(byDefault, DatabaseConfiguration(driver: .sqlite(path: "/srv/app/shop"), connectionName: "sqlite"))
        let pgsql = try DatabaseConfiguration.named("pgsql", environment: env, appRoot: "/srv/app")
        XCTAssertEqual(pgsql.connectionName, "pgsql")
        XCTAssertEqual(
            pgsql.driver,
            .postgres(PostgresConfiguration(host: "db.internal", port: 6543, database: "shop", username: "app", password: "s3cret")))
        let sqlite = try DatabaseConfiguration.named("sqlite", environment: ["DB_CONNECTION": "pgsql"], appRoot: "/srv/app")
        XCTAssertEqual(sqlite.driver, .sqlite(path: "/srv/app/database/database.sqlite"))
        XCTAssertEqual(try DatabaseConfiguration.fromEnvironment(env, appRoot: "/srv/app"), byDefault)
    }

    func testPostgresDefaultsAreTheSkeletons() throws {
        let config = try DatabaseConfiguration.named("pgsql", environment: [:], appRoot: nil)
        XCTAssertEqual(config.driver, .postgres(PostgresConfiguration(host: "127.0.0.1", port: 5432, database: "laravel", username: "root")))
    }

    func testAURLChangesTheDriverOfANamedConnection() throws {
        let config = try DatabaseConfiguration.named(
            "sqlite", environment: ["DB_URL": "postgres://u@pg.example/appdb"], appRoot: nil)
        XCTAssertEqual(config.connectionName, "sqlite")
        XCTAssertEqual(config.driver, .postgres(PostgresConfiguration(host: "pg.example", database: "appdb", username: "u")))
    }

    func testUnknownAndUnsupportedNamesFailOnOneLineNamingThem() {
        let cases: [(String?, [String: String], String)] = [
            ("reporting", [:], "database connection 'reporting' is not a connection of Laravel's config/database.php"),
            (nil, ["DB_CONNECTION": "reporting"], "DB_CONNECTION=reporting is not a connection of Laravel's config/database.php"),
            ("mysql", [:], "database connection 'mysql' is unsupported"),
            ("sqlsrv", ["DB_CONNECTION": "sqlite"], "database connection 'sqlsrv' is unsupported"),
            ("pgsql", ["DB_URL": "mysql://h/db"], "database connection 'pgsql': DB_URL's driver 'mysql' is unsupported"),
            ("pgsql", ["DB_URL": "oracle://h/db"], "database connection 'pgsql': DB_URL's driver 'oracle' is unknown"),
        ]
        for (name, env, expected) in cases {
            XCTAssertThrowsError(try DatabaseConfiguration.named(name, environment: env, appRoot: nil)) { error in
                let error = error as? DatabaseError
                XCTAssertEqual(error?.kind, .configuration)
                let message = error?.message ?? ""
                XCTAssertTrue(message.hasPrefix(expected), "\(message)")
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
    }

    func testConnectsToBothDrivers() async throws {
        let dir = try TestEnvironment.temporaryDirectory("shuttle-dbconf")
        let sqlite = try await DatabaseConfiguration.fromEnvironment(["DB_DATABASE": "app.sqlite"], appRoot: dir.path).connect()
        defer { sqlite.close() }
        XCTAssertEqual(sqlite.dialect, .sqlite)
        let fromSQLite = try await sqlite.first("select 40 + ? as v", [2])?["v"]
        XCTAssertEqual(fromSQLite, 42)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("app.sqlite").path))

        let port = try TestEnvironment.postgresPort()
        let pg = try await DatabaseConfiguration.fromEnvironment(
            ["DB_CONNECTION": "pgsql", "DB_URL": "pgsql://postgres@127.0.0.1:\(port)/postgres?sslmode=disable"], appRoot: nil
        ).connect()
        defer { pg.close() }
        XCTAssertEqual(pg.dialect, .postgres)
        let fromPostgres = try await pg.first("select 40 + ? as v", [2])?["v"]
        XCTAssertEqual(fromPostgres, 42)
    }
}
