import Logging
import Synchronization

/// What a pop gives that is not a job Shuttle can run: elements Laravel's pop script would have lost (set
/// aside in the quarantine list) and payloads Shuttle cannot decode. Each becomes a failed job, never a drop.
final class Quarantine: Sendable {
    private let queue: any QueueDriver
    private let processor: JobProcessor
    private let logger: Logger
    /// False until what an earlier run left in quarantine is recorded.
    private let swept = Mutex(false)

    init(queue: any QueueDriver, processor: JobProcessor, logger: Logger) {
        self.queue = queue
        self.processor = processor
        self.logger = logger
    }

    /// Records the rejects of one pop; what cannot be recorded stays in quarantine (or reserved) for a sweep.
    func reject(_ result: PopResult) async {
        var allRecorded = true
        for element in result.quarantined {
            allRecorded = await record(element) && allRecorded
        }
        for bad in result.undecodable {
            let job = RedisJob(connectionName: queue.connectionName, queue: bad.queue, rawBody: bad.rawBody,
                               reserved: bad.reserved, payload: .placeholder)
            await processor.fail(job, context: processor.makeContext(job, command: nil, handler: nil), handler: nil,
                                 error: JobException("Shuttle\\InvalidPayloadException", bad.reason, file: "shuttle", line: 0))
        }
        if !allRecorded { swept.withLock { $0 = false } }
    }

    /// Records what an earlier run left in quarantine (it stopped, or the failed-job store was down, between
    /// the pop and the record), until none remain.
    func sweepIfNeeded(queues: [String]) async {
        guard !swept.withLock({ $0 }) else { return }
        var done = true
        for name in queues {
            do {
                for element in try await queue.quarantined(queue: name) {
                    done = await record(element) && done
                }
            } catch {
                logger.error("could not read the quarantine list", metadata: ["queue": "\(name)", "error": "\(error)"])
                done = false
            }
        }
        swept.withLock { $0 = done }
    }

    private func record(_ element: QuarantinedElement) async -> Bool {
        let text = JobException("Shuttle\\InvalidPayloadException", element.reason, file: "shuttle", line: 0).phpText
        guard await processor.recordFailure(connection: queue.connectionName, queue: element.queue, payload: element.bytes,
                                            exception: text) else {
            return false
        }
        do { try await queue.removeQuarantined(element) } catch {
            logger.error("could not clear a quarantined element", metadata: ["error": "\(error)"])
        }
        await processor.emit(.rejected(queue: element.queue, bytes: element.bytes, reason: element.reason))
        return true
    }
}
