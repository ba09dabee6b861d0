import PHPSerialization
import LaravelQueue
import PHPFormats

/// One row of `job_batches`, as Laravel's `DatabaseBatchRepository::toBatch` reads it.
public struct BatchRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    public var totalJobs: Int
    public var pendingJobs: Int
    public var failedJobs: Int
    public var failedJobIds: [String]
    /// The unserialized `options` array (callbacks are opaque PHP objects), nil when unreadable.
    public var options: PHPValue?
    /// Unix seconds.
    public var createdAt: Int
    public var cancelledAt: Int?
    public var finishedAt: Int?

    public var processedJobs: Int { totalJobs - pendingJobs }
    public var cancelled: Bool { cancelledAt != nil }
    public var finished: Bool { finishedAt != nil }
    /// `options['allowFailures'] === true`.
    public var allowsFailures: Bool { options?.arrayValue?["allowFailures"] == .bool(true) }
}
