import CoreMetrics
import LaravelQueue
import Synchronization

/// Job metrics through swift-metrics, as middleware around the job lifecycle (the runtime knows nothing of
/// them): outcomes by queue and class, the handler's runtime by class, and the activity health reads.
/// Labels are the queue name and the job's display name only — never payload data.
public struct MetricsMiddleware: JobMiddleware {
    public enum Name {
        public static let processed = "shuttle_jobs_processed_total"
        public static let failed = "shuttle_jobs_failed_total"
        public static let released = "shuttle_jobs_released_total"
        public static let handedBack = "shuttle_jobs_handed_back_total"
        public static let routed = "shuttle_jobs_routed_total"
        public static let migrated = "shuttle_jobs_migrated_total"
        public static let rejected = "shuttle_jobs_rejected_total"
        public static let runtime = "shuttle_job_runtime_seconds"
        public static let renewals = "shuttle_reservation_renewals_total"
    }

    public let activity: WorkerActivity
    private let counters = MetricHandles<Counter>()
    private let timers = MetricHandles<Timer>()

    public init(activity: WorkerActivity) { self.activity = activity }

    /// Every attempt's handler time, whether it returned or threw.
    public func handle(_ context: JobContext, next: @Sendable (JobContext) async throws -> Void) async throws {
        activity.started()
        let started = ContinuousClock.now
        defer {
            activity.finished()
            let elapsed = ContinuousClock.now - started
            let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            timers.handle(Name.runtime, ("class", context.job.name)) { Timer(label: $0, dimensions: $1) }
                .recordNanoseconds(nanoseconds)
        }
        try await next(context)
    }

    public func jobEvent(_ event: JobEvent) async {
        switch event {
        case .reserved:
            activity.popped()
        case .processed:
            return  // the runtime is taken in `handle`, for failed attempts too
        case .deleted(let job):
            count(Name.processed, job)
        case .failed(let job, _):
            count(Name.failed, job)
        case .released(let job, _):
            count(Name.released, job)
        case .handedBack(let job, _):
            activity.popped()
            count(Name.handedBack, job)
        case .routed(let queue, _, let payloads):
            activity.popped()
            counter(Name.routed, ("queue", queue)).increment(by: payloads.count)
        case .migrated(let queue, let payloads):
            counter(Name.migrated, ("queue", queue)).increment(by: payloads.count)
        case .rejected(let queue, _, _):
            counter(Name.rejected, ("queue", queue)).increment()
        case .renewed(let job, let stillReserved):
            counter(Name.renewals, ("queue", job.queue), ("outcome", stillReserved ? "renewed" : "lost")).increment()
        }
    }

    private func count(_ name: String, _ job: RedisJob) {
        counter(name, ("queue", job.queue), ("class", job.name)).increment()
    }

    private func counter(_ name: String, _ first: (String, String), _ second: (String, String)? = nil) -> Counter {
        counters.handle(name, first, second) { Counter(label: $0, dimensions: $1) }
    }
}

/// swift-metrics handles by label and (at most two) label values, made once: the factory's lookup (a lock and
/// a registry walk) happens once per series, and a job's lookup allocates nothing.
final class MetricHandles<Handle: Sendable>: Sendable {
    private struct Key: Hashable {
        let label: String
        let first: String
        let second: String?
    }
    private let handles = Mutex<[Key: Handle]>([:])

    func handle(_ label: String, _ first: (String, String), _ second: (String, String)? = nil,
                make: (String, [(String, String)]) -> Handle) -> Handle {
        let key = Key(label: label, first: first.1, second: second?.1)
        return handles.withLock { handles in
            if let handle = handles[key] { return handle }
            let handle = make(label, [first] + (second.map { [$0] } ?? []))
            handles[key] = handle
            return handle
        }
    }
}
