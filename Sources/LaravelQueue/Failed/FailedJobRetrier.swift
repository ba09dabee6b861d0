import PHPFormats
/// `php artisan queue:retry` (spec §6.7): each failed record's payload goes back onto its queue with
/// `attempts` reset, re-encoded with plain `json_encode` (so `\u00e9` and `\/` escapes), same `uuid` and
/// `id`; then the record is forgotten. The push happens first, so a failed push never loses the record.
///
/// One difference from PHP: `queue:retry` also refreshes `retryUntil` by calling the job's `retryUntil()`
/// method, which only PHP can run; here `retryUntil` is kept as recorded (see `keptRetryUntil`).
public struct FailedJobRetrier: Sendable {
    /// The queue of a queue connection, by the name `failed_jobs.connection` records.
    public typealias QueueResolver = @Sendable (_ connection: String) async throws -> RedisQueue

    public enum Outcome: Sendable {
        /// Pushed onto `queue` and forgotten. `keptRetryUntil` is the payload's non-null `retryUntil`,
        /// which PHP would have recomputed when the job has a `retryUntil()` method.
        case retried(record: FailedJobRecord, pushed: Payload, keptRetryUntil: Int?)
        case notFound(id: String)
    }

    public struct Error: Swift.Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    let failer: any FailedJobProvider
    let queue: QueueResolver

    public init(failer: any FailedJobProvider, queue: @escaping QueueResolver) {
        self.failer = failer
        self.queue = queue
    }

    /// `RetryCommand::getJobIds`: `all` is every id (newest first); with `queue`, that queue's ids instead of
    /// the ones given (an error when it has none); otherwise the given ids, de-duplicated, without the
    /// ones PHP's `array_filter` drops (`""`, `"0"`).
    public func jobIds(_ arguments: [String], queue: String? = nil) async throws -> [String] {
        if arguments == ["all"] { return try await failer.ids() }
        if let queue, !queue.isEmpty, queue != "0" {
            let ids = try await failer.ids(queue: queue)
            if ids.isEmpty { throw Error("Unable to find failed jobs for queue [\(queue)].") }
            return ids
        }
        var seen = Set<String>()
        return arguments.filter { !$0.isEmpty && $0 != "0" && seen.insert($0).inserted }
    }

    /// Retries one failed job: find, push the reset payload onto the record's connection and queue, forget.
    public func retry(_ id: String) async throws -> Outcome {
        guard let record = try await failer.find(id) else { return .notFound(id: id) }
        let payload = try Self.retryPayload(record.payload)
        try await queue(record.connection).push(payload, queue: record.queue)
        try await failer.forget(id)
        return .retried(record: record, pushed: payload, keptRetryUntil: payload.retryUntil)
    }

    /// The bytes `queue:retry` pushes for a stored payload: `json_decode`, `attempts` = 0 when set, plain
    /// `json_encode`. A payload that is not a JSON object (PHP would push `null`) is refused.
    public static func retryPayload(_ stored: [UInt8]) throws -> Payload {
        let payload: Payload
        do {
            payload = try Payload(bytes: stored)
        } catch let error as JSONParser.Error {
            throw Error("the stored payload is not valid JSON at byte \(error.offset): \(error.message)")
        } catch {
            throw Error("the stored payload is not a JSON object")
        }
        return try payload.forQueueRetry()
    }
}
