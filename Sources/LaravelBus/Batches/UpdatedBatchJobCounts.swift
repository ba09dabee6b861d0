import LaravelQueue
import PHPFormats
import PHPSerialization
/// A batch's counters right after one of its jobs was recorded (Laravel's `UpdatedBatchJobCounts`),
/// plus what the update did to the batch, so the worker can say so in its log.
public struct UpdatedBatchJobCounts: Sendable, Hashable {
    public var pendingJobs: Int
    public var failedJobs: Int
    /// This update set `finished_at` (the last pending job succeeded).
    public var finishedNow: Bool
    /// This update cancelled the batch (its first failure, failures not allowed).
    public var cancelledNow: Bool

    public init(pendingJobs: Int, failedJobs: Int, finishedNow: Bool = false, cancelledNow: Bool = false) {
        self.pendingJobs = pendingJobs
        self.failedJobs = failedJobs
        self.finishedNow = finishedNow
        self.cancelledNow = cancelledNow
    }

    /// When PHP would run the batch's `finally` callbacks.
    public var allJobsHaveRanExactlyOnce: Bool { pendingJobs - failedJobs == 0 }
}
