import PHPFormats
/// `queue.failed` and `queue.batching`: where failed jobs are recorded and batches are kept.
public struct FailedJobsConfiguration: Equatable, Sendable {
    /// `QUEUE_FAILED_DRIVER`, default `database-uuids`.
    public var driver: String
    /// Database connection name: `DB_CONNECTION`, default `mysql` (Laravel 8 – 10) or `sqlite` (11+).
    public var database: String
    public var table: String
    public var batchesTable: String

    static func resolve(from env: LaravelEnvironment, version: LaravelVersion) -> FailedJobsConfiguration {
        FailedJobsConfiguration(
            driver: env.string("QUEUE_FAILED_DRIVER", default: "database-uuids") ?? "",
            database: env.string("DB_CONNECTION", default: version.major >= 11 ? "sqlite" : "mysql") ?? "",
            table: "failed_jobs",
            batchesTable: "job_batches"
        )
    }
}
