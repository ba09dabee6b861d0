import CoreMetrics
import LaravelQueue
import Synchronization

/// Job metrics through swift-metrics, as middleware around the job lifecycle (the runtime knows nothing of
/// them): outcomes by queue and class, the runtime by class, and the last pop health reads. Labels are the
/// queue name and the job's display name only — never payload data.
///
/// Cheap on the hot path: no `handle` wrapper (an async frame per job) and none of the routine events
/// (reserved, processed, deleted), which the worker then need not emit at all; a success is counted in
/// `jobSucceeded`, which the worker calls anyway. The runtime is Horizon's: from the reservation to the attempt's
/// outcome (succeeded, released or failed).
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
    private let series = MetricSeries()
    private let counters = MetricHandles<Counter>()

    public init(activity: WorkerActivity) { self.activity = activity }

    public var hearsRoutineJobEvents: Bool { false }

    public func jobSucceeded(_ context: JobContext) async throws {
        ended(context.job) { $0.processed }
    }

    public func jobEvent(_ event: JobEvent) async {
        switch event {
        case .reserved, .processed, .deleted:
            return  // routine: not sent here (see above)
        case .failed(let job, _):
            ended(job) { $0.failed }
        case .released(let job, _):
            ended(job) { $0.released }
        case .handedBack(let job, _):
            activity.popped()
            series.of(job).handedBack.increment()
        case .routed(let queue, _, let payloads):
            activity.popped()
            counters.handle(Name.routed, ("queue", queue)) { Counter(label: $0, dimensions: $1) }.increment(by: payloads.count)
        case .migrated(let queue, let payloads):
            counters.handle(Name.migrated, ("queue", queue)) { Counter(label: $0, dimensions: $1) }.increment(by: payloads.count)
        case .rejected(let queue, _, _):
            counters.handle(Name.rejected, ("queue", queue)) { Counter(label: $0, dimensions: $1) }.increment()
        case .renewed(let job, let stillReserved):
            counters.handle(Name.renewals, ("queue", job.queue), ("outcome", stillReserved ? "renewed" : "lost")) {
                Counter(label: $0, dimensions: $1)
            }.increment()
        }
    }

    private func ended(_ job: RedisJob, _ outcome: (MetricSeries.Job) -> Counter) {
        let s = series.of(job)
        outcome(s).increment()
        let elapsed = ContinuousClock.now - job.reservedAt
        s.runtime.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}

/// A job class's series on one queue, made once: one lookup per event, no allocation.
final class MetricSeries: Sendable {
    struct Job: Sendable {
        let processed, failed, released, handedBack: Counter
        let runtime: Timer
    }

    private struct Key: Hashable {
        let queue: String
        let name: String
    }
    private let jobs = Mutex<[Key: Job]>([:])

    func of(_ job: RedisJob) -> Job {
        let key = Key(queue: job.queue, name: job.name)
        return jobs.withLock { jobs in
            if let series = jobs[key] { return series }
            let dimensions = [("queue", key.queue), ("class", key.name)]
            let name = MetricsMiddleware.Name.self
            let series = Job(
                processed: Counter(label: name.processed, dimensions: dimensions),
                failed: Counter(label: name.failed, dimensions: dimensions),
                released: Counter(label: name.released, dimensions: dimensions),
                handedBack: Counter(label: name.handedBack, dimensions: dimensions),
                runtime: Timer(label: name.runtime, dimensions: [("class", key.name)]))
            jobs[key] = series
            return series
        }
    }
}

/// swift-metrics handles by label and (at most two) label values, made once: the factory's lookup (a lock and
/// a registry walk) happens once per series, and a lookup allocates nothing.
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
