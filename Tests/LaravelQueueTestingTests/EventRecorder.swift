import LaravelQueue
import Synchronization

/// Collects the lifecycle events the worker reports, for waiting on and asserting about.
final class EventRecorder: JobMiddleware {
    private let events = Mutex<[JobEvent]>([])

    func jobEvent(_ event: JobEvent) async { events.withLock { $0.append(event) } }

    var all: [JobEvent] { events.withLock { $0 } }

    var released: [(job: RedisJob, delay: Int)] {
        all.compactMap { if case .released(let job, let delay) = $0 { return (job, delay) } else { return nil } }
    }
    var failed: [(job: RedisJob, exception: String)] {
        all.compactMap { if case .failed(let job, let text) = $0 { return (job, text) } else { return nil } }
    }
    var deleted: [RedisJob] { all.compactMap { if case .deleted(let job) = $0 { return job } else { return nil } } }
    var handedBack: [(job: RedisJob, queue: String)] {
        all.compactMap { if case .handedBack(let job, let queue) = $0 { return (job, queue) } else { return nil } }
    }
    var rejected: [[UInt8]] { all.compactMap { if case .rejected(_, let bytes, _) = $0 { return bytes } else { return nil } } }
    var migrated: [[UInt8]] { all.flatMap { if case .migrated(_, let payloads) = $0 { return payloads } else { return [] } } }
}
