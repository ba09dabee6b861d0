import ArgumentParser
import Database
import LaravelBus
import LaravelQueue
import Spark

/// `shuttle migrate`: on an empty database (SQLite or PostgreSQL) creates Spark's tables and the queue's
/// (`failed_jobs`, `cache`, `cache_locks`, `job_batches`); on one that has Spark's tables, checks every column Shuttle reads
/// or writes and names the first missing or incompatible one. It never alters an existing table.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create Spark's and the queue's tables on an empty database, or check an existing one.")

    @OptionGroup var app: AppOptions

    @Option(help: "The Laravel database connection (default: DB_CONNECTION).")
    var database: String?

    func run() async throws {
        let logger = app.logger()
        let connection: any SQLConnection
        let config: QueueConfiguration
        do {
            config = try app.configuration()
            let databaseConfiguration = try DatabaseConfiguration.named(database, environment: config.environment.variables,
                                                                        appRoot: app.appRoot)
            connection = try await databaseConfiguration.connect()
        } catch {
            throw CommandFailure("\(error)")
        }
        defer { connection.close() }
        do {
            switch try await SparkSchemaCheck.check(connection) {
            case .incompatible(let problem):
                throw CommandFailure("the database cannot hold Spark's rows: \(problem)")
            case .compatible:
                logger.info("Spark tables present and compatible: nothing to do")
            case .absent:
                try await SparkSchema.create(on: connection)
                try await DatabaseUuidFailedJobProvider(connection: connection, table: config.failedJobs.table).createTableIfMissing()
                try await DatabaseCacheStore(connection: connection, table: config.cache.databaseTable).createTableIfMissing()
                try await DatabaseLockProvider(connection: connection).createTableIfMissing()
                try await DatabaseBatchRepository(connection: connection).createTableIfMissing()
                // Tables the app already had under Spark's names (its own `users`, say) are left as they are.
                let outcome = try await SparkSchemaCheck.check(connection)
                if case .incompatible(let problem) = outcome {
                    throw CommandFailure("the database cannot hold Spark's rows: \(problem)")
                }
                logger.info("created Spark's tables and failed_jobs, cache, cache_locks, job_batches",
                            metadata: ["tables": "\(SparkSchema.tables.joined(separator: ", "))"])
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
