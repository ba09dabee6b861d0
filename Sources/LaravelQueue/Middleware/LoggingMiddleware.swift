import Logging
import PHPFormats

/// One log line per lifecycle step, like `queue:work`'s `Processing:` / `Processed:` / `Failed:` output,
/// on stderr through swift-log. Every job line carries the job's id, uuid, class, queue and attempt; the line
/// that ends an attempt adds `outcome` and `runtime_ms` (since the job was reserved).
public struct LoggingMiddleware: JobMiddleware {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// The per-job steps are logged at debug level only: below it they are not sent here at all.
    public var hearsRoutineJobEvents: Bool { logger.logLevel <= .debug }

    public func jobEvent(_ event: JobEvent) async {
        // Metadata is built eagerly: skip the per-job debug events entirely unless they will be printed.
        if event.isRoutine, !hearsRoutineJobEvents { return }
        switch event {
        case .reserved(let job):
            logger.debug("processing", metadata: meta(job))
        case .processed:
            // The handler returned: the line comes with the outcome that follows (deleted, released or failed).
            return
        case .released(let job, let delay):
            var m = ended(job, "released")
            m["delay"] = "\(delay)"
            logger.info("released", metadata: m)
        case .deleted(let job):
            // Debug, not info: a line per job costs a write per job, which shows at thousands of jobs a second.
            logger.debug("processed", metadata: ended(job, "processed"))
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
        case .renewed:
            return  // JobsInFlight warns when a reservation was gone
        case .rejected(let queue, let bytes, let reason):
            logger.error("rejected a queue element that is not a job; recorded as failed",
                         metadata: ["queue": "\(queue)", "bytes": "\(bytes.count)", "reason": "\(reason)", "outcome": "rejected"])
        }
    }

    private func meta(_ job: RedisJob) -> Logger.Metadata {
        ["job": "\(job.name)", "class": "\(job.className)", "id": "\(job.payload.id ?? "")", "uuid": "\(job.uuid ?? "")",
         "queue": "\(job.queue)", "attempt": "\(job.attempts)"]
    }

    /// The fields of the line that ends an attempt.
    private func ended(_ job: RedisJob, _ outcome: String) -> Logger.Metadata {
        var m = meta(job)
        m["outcome"] = "\(outcome)"
        let d = ContinuousClock.now - job.reservedAt
        m["runtime_ms"] = "\(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)"
        return m
    }
}
