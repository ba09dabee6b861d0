import PHPFormats
/// The job's queue options as `Queue::createObjectPayload` reads them from the job object (spec §4.2).
public struct JobOptions: Hashable, Sendable {
    public var maxTries: Int?
    public var maxExceptions: Int?
    public var failOnTimeout: Bool
    /// Already in payload form: seconds joined with `,` (see `backoff(_:)`).
    public var backoff: String?
    public var timeout: Int?
    /// Unix timestamp.
    public var retryUntil: Int?
    public var deleteWhenMissingModels: Bool

    public init(maxTries: Int? = nil, maxExceptions: Int? = nil, failOnTimeout: Bool = false, backoff: String? = nil,
                timeout: Int? = nil, retryUntil: Int? = nil, deleteWhenMissingModels: Bool = false) {
        self.maxTries = maxTries
        self.maxExceptions = maxExceptions
        self.failOnTimeout = failOnTimeout
        self.backoff = backoff
        self.timeout = timeout
        self.retryUntil = retryUntil
        self.deleteWhenMissingModels = deleteWhenMissingModels
    }

    /// `Collection::wrap($backoff)->implode(',')`: `[10, 60]` → `"10,60"`.
    public static func backoff(_ seconds: [Int]) -> String { seconds.map(String.init).joined(separator: ",") }
}
