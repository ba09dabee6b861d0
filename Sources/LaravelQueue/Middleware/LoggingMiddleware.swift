import Logging
import PHPFormats
import Synchronization

/// One log line per lifecycle step, like `queue:work`'s `Processing:` / `Processed:` / `Failed:` output,
/// on stderr through swift-log. Every job line carries the job's id, uuid, class, queue and attempt; the
/// lines that end an attempt add `outcome` and `runtime_ms` (since the job was reserved).
public struct LoggingMiddleware: JobMiddleware {
    let logger: Logger
    /// When each job in flight was reserved, for the runtime of the line that ends its attempt.
    private let started = Starts()

    private final class Starts: Sendable {
        private let starts = Mutex<[String: ContinuousClock.Instant]>([:])
        func withLock<T>(_ body: (inout [String: ContinuousClock.Instant]) -> T) -> T { starts.withLock { body(&$0) } }
    }

    public init(logger: Logger) { self.logger = logger }

    public func jobEvent(_ event: JobEvent) async {
        // Metadata is built eagerly: skip the per-job debug events entirely unless they will be printed.
        let debug = logger.logLevel <= .debug
        switch event {
        case .reserved(let job):
            started.withLock { $0[key(job)] = .now }
            guard debug else { return }
            logger.debug("processing", metadata: meta(job))
        case .processed:
            // The handler returned; the line comes with the outcome (deleted, released or failed) that follows.
            return
        case .deleted(let job):
            // Debug, not info: a line per job costs a write per job, which shows at thousands of jobs a second.
            guard debug else {
                started.withLock { _ = $0.removeValue(forKey: key(job)) }
                return
            }
            logger.debug("processed", metadata: ended(job, "processed"))
        case .released(let job, let delay):
            var m = ended(job, "released")
            m["delay"] = "\(delay)"
            logger.info("released", metadata: m)
        case .failed(let job, let exception):
            var m = ended(job, "failed")
            m["exception"] = "\(exception.split(separator: "\n").first ?? "")"
            logger.error("failed", metadata: m)
        case .handedBack(let job, let queue):
            var m = ended(job, "handed_back")
            m["to"] = "\(queue)"
            logger.info("handed back to PHP", metadata: m)
        case .routed(let queue, let target, let payloads):
            logger.debug("routed to PHP", metadata: ["queue": "\(queue)", "to": "\(target)", "jobs": "\(payloads.count)"])
        case .migrated(let queue, let payloads):
            logger.debug("migrated", metadata: ["queue": "\(queue)", "jobs": "\(payloads.count)"])
        case .rejected(let queue, let bytes, let reason):
            logger.error("rejected a queue element that is not a job; recorded as failed",
                         metadata: ["queue": "\(queue)", "bytes": "\(bytes.count)", "reason": "\(reason)", "outcome": "rejected"])
        }
    }

    private func key(_ job: RedisJob) -> String { job.payload.id ?? job.uuid ?? "" }

    private func meta(_ job: RedisJob) -> Logger.Metadata {
        ["job": "\(job.name)", "class": "\(job.className)", "id": "\(job.payload.id ?? "")", "uuid": "\(job.uuid ?? "")",
         "queue": "\(job.queue)", "attempt": "\(job.attempts)"]
    }

    /// The fields of a line that ends an attempt; the runtime when this middleware saw the job reserved.
    private func ended(_ job: RedisJob, _ outcome: String) -> Logger.Metadata {
        var m = meta(job)
        m["outcome"] = "\(outcome)"
        if let start = started.withLock({ $0.removeValue(forKey: key(job)) }) {
            let d = ContinuousClock.now - start
            m["runtime_ms"] = "\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)"
        }
        return m
    }
}
