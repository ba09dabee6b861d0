import Logging
import PHPFormats

/// One log line per lifecycle step, like `queue:work`'s `Processing:` / `Processed:` / `Failed:` output,
/// on stderr through swift-log.
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
        case .processed(let job, let runtime):
            var m = meta(job)
            m["runtime_ms"] = "\(Int(runtime * 1000))"
            // Debug, not info: a line per job costs a write per job, which shows at thousands of jobs a second.
            logger.debug("processed", metadata: m)
        case .released(let job, let delay):
            var m = meta(job)
            m["delay"] = "\(delay)"
            logger.info("released", metadata: m)
        case .deleted(let job):
            logger.debug("deleted", metadata: meta(job))
        case .failed(let job, let exception):
            var m = meta(job)
            m["exception"] = "\(exception.split(separator: "\n").first ?? "")"
            logger.error("failed", metadata: m)
        case .handedBack(let job, let queue):
            var m = meta(job)
            m["to"] = "\(queue)"
            logger.info("handed back to PHP", metadata: m)
        case .routed(let queue, let target, let payloads):
            logger.debug("routed to PHP", metadata: ["queue": "\(queue)", "to": "\(target)", "jobs": "\(payloads.count)"])
        case .migrated(let queue, let payloads):
            logger.debug("migrated", metadata: ["queue": "\(queue)", "jobs": "\(payloads.count)"])
        case .rejected(let queue, let bytes, let reason):
            logger.error("rejected a queue element that is not a job; recorded as failed",
                         metadata: ["queue": "\(queue)", "bytes": "\(bytes.count)", "reason": "\(reason)"])
        }
    }

    private func meta(_ job: RedisJob) -> Logger.Metadata {
        ["job": "\(job.name)", "uuid": "\(job.uuid ?? "")", "queue": "\(job.queue)", "attempt": "\(job.attempts)"]
    }
}
