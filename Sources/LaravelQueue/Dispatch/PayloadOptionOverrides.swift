import PHPFormats
/// Payload queue options set by the dispatcher rather than read from the job's properties: each non-nil
/// field replaces what `Queue::createObjectPayload` would read from the object (spec §4.2). They change the
/// payload only; to change the serialized command as well, give the property itself.
public struct PayloadOptionOverrides: Hashable, Sendable {
    /// Payload `maxTries`.
    public var tries: Int?
    public var maxExceptions: Int?
    /// Seconds per attempt; written joined with `,` (`[10, 60]` → `"10,60"`).
    public var backoff: [Int]?
    public var timeout: Int?
    public var failOnTimeout: Bool?
    /// Unix timestamp after which the job is no longer retried.
    public var retryUntil: Int?
    /// Laravel 13+ payload field (earlier versions read the class default).
    public var deleteWhenMissingModels: Bool?

    public init(tries: Int? = nil, maxExceptions: Int? = nil, backoff: [Int]? = nil, timeout: Int? = nil,
                failOnTimeout: Bool? = nil, retryUntil: Int? = nil, deleteWhenMissingModels: Bool? = nil) {
        self.tries = tries
        self.maxExceptions = maxExceptions
        self.backoff = backoff
        self.timeout = timeout
        self.failOnTimeout = failOnTimeout
        self.retryUntil = retryUntil
        self.deleteWhenMissingModels = deleteWhenMissingModels
    }

    /// `base` with every set field replaced.
    public func applied(to base: JobOptions) -> JobOptions {
        var o = base
        if let tries { o.maxTries = tries }
        if let maxExceptions { o.maxExceptions = maxExceptions }
        if let backoff { o.backoff = JobOptions.backoff(backoff) }
        if let timeout { o.timeout = timeout }
        if let failOnTimeout { o.failOnTimeout = failOnTimeout }
        if let retryUntil { o.retryUntil = retryUntil }
        if let deleteWhenMissingModels { o.deleteWhenMissingModels = deleteWhenMissingModels }
        return o
    }
}
