import Database
import LaravelQueue
import Logging
import Monzo
import Spark
import SparkTestSupport
import XCTest

/// The start-up check: a database without Spark's tables leaves the Monzo jobs to PHP, one with them gets
/// the four handlers, and one missing a column Shuttle writes is refused with that table and column named.
final class SparkSchemaCheckTests: XCTestCase {
    func testSchemaCheckOnPostgreSQL() async throws { try await schemaCheck(.postgres) }
    func testSchemaCheckOnSQLite() async throws { try await schemaCheck(.sqlite) }
    func testMonzoIntegrationRegistersOnPostgreSQL() async throws { try await registration(.postgres) }
    func testMonzoIntegrationRegistersOnSQLite() async throws { try await registration(.sqlite) }

    func schemaCheck(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let outcome = try await SparkSchemaCheck.check(db.connection)
            XCTAssertEqual(outcome, .compatible)
            try await db.connection.execute("drop table taggables")
            let noTable = try await SparkSchemaCheck.check(db.connection)
            XCTAssertEqual(noTable, .incompatible("table taggables is missing"))
            // Tables are checked in order, so the earlier table's problem is the one named.
            try await db.connection.execute("alter table blocks drop column value_unit")
            let broken = try await SparkSchemaCheck.check(db.connection)
            XCTAssertEqual(broken, .incompatible("column blocks.value_unit is missing"))
        }
        if backend == .postgres {
            try await withDatabase(backend) { db in
                try await db.connection.execute("alter table events alter column value type text")
                let outcome = try await SparkSchemaCheck.check(db.connection)
                guard case .incompatible(let problem) = outcome else { return XCTFail("\(outcome)") }
                XCTAssertTrue(problem.hasPrefix("column events.value is text, Shuttle needs integer"), problem)
            }
        }
    }

    func registration(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let resources = IntegrationResources(environment: LaravelEnvironment(process: environment(db)), logger: Logger(label: "test"))
            var registrar = JobRegistrar(integration: "Monzo")
            try await MonzoIntegration().register(into: &registrar, resources: resources)
            XCTAssertEqual(registrar.registry.registeredClasses.count, 4)
            XCTAssertNotNil(registrar.registry.handler(for: MonzoTransactionData.phpClass))
            await resources.closeDatabases()

            try await db.connection.execute("alter table events drop column event_metadata")
            let refused = IntegrationResources(environment: LaravelEnvironment(process: environment(db)), logger: Logger(label: "test"))
            var again = JobRegistrar(integration: "Monzo")
            do {
                try await MonzoIntegration().register(into: &again, resources: refused)
                XCTFail("a database missing events.event_metadata must be refused")
            } catch {
                XCTAssertTrue("\(error)".contains("column events.event_metadata is missing"), "\(error)")
            }
            await refused.closeDatabases()
        }
        // A database that is not Spark's: nothing registered, the jobs stay PHP's.
        let empty = try SparkTestDatabase.emptySQLitePath()
        let resources = IntegrationResources(
            environment: LaravelEnvironment(process: ["DB_CONNECTION": "sqlite", "DB_DATABASE": empty]), logger: Logger(label: "test"))
        var registrar = JobRegistrar(integration: "Monzo")
        try await MonzoIntegration().register(into: &registrar, resources: resources)
        XCTAssertEqual(registrar.registry.registeredClasses, [])
        await resources.closeDatabases()
    }

    private func environment(_ db: SparkTestDatabase) -> [String: String] {
        switch db.configuration.driver {
        case .sqlite(let path): return ["DB_CONNECTION": "sqlite", "DB_DATABASE": path]
        case .postgres(let pg):
            return ["DB_CONNECTION": "pgsql", "DB_HOST": pg.host, "DB_PORT": String(pg.port), "DB_DATABASE": pg.database,
                    "DB_USERNAME": pg.username, "DB_SSLMODE": "disable"]
        }
    }
}
