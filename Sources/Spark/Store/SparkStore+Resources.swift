import Database
import LaravelQueue

extension SparkStore {
    /// The store of the app's default database connection (`DB_CONNECTION`), on the seam's pool, with the
    /// clock `SHUTTLE_NOW` may fix. Checks the schema first: nil when the database has no Spark tables (the
    /// jobs then stay PHP's), an error naming the first missing or incompatible column otherwise.
    public static func open(_ resources: IntegrationResources) async throws -> SparkStore? {
        let pool = try resources.database()
        switch try await pool.withConnection({ try await SparkSchemaCheck.check($0) }) {
        case .absent:
            resources.logger.notice("no Spark tables in the database: Spark's jobs stay with PHP (shuttle migrate creates them)",
                                    metadata: ["connection": "\(pool.configuration.connectionName)"])
            return nil
        case .incompatible(let problem):
            throw SparkError.schema("the database cannot hold Spark's rows: \(problem)")
        case .compatible:
            let clock = try SparkClock.fromEnvironment(resources.environment.variables, logger: resources.logger)
            return SparkStore(database: pool, clock: clock)
        }
    }
}
