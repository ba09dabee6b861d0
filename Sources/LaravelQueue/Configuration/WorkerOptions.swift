import PHPFormats
/// `queue:work` options (§6.9), with Laravel's names and defaults, plus Shuttle's own extras.
public struct WorkerOptions: Equatable, Sendable {
    /// `--name`: the worker name Laravel passes to `Worker::daemon` (used for `--once` bookkeeping/events).
    public var name = "default"
    /// `--queue`: queues in priority order. Empty means the connection's default queue.
    public var queues: [String] = []
    /// `--backoff`: seconds before a failed job is retried; a comma list gives one value per attempt.
    public var backoff = "0"
    /// `--memory`: megabytes after which the worker exits (status 12).
    public var memory = 128
    /// `--timeout`: seconds a job may run; 0 disables the limit.
    public var timeout = 60
    /// `--sleep`: seconds to wait when no job is available (fractions allowed).
    public var sleep = 3.0
    /// `--tries`: attempts before a job fails; 0 means unlimited.
    public var tries = 1
    /// `--force`: run even in maintenance mode.
    public var force = false
    /// `--stop-when-empty`.
    public var stopWhenEmpty = false
    /// `--max-jobs`: exit after this many jobs; 0 means no limit.
    public var maxJobs = 0
    /// `--max-time`: exit after this many seconds; 0 means no limit.
    public var maxTime = 0
    /// `--rest`: seconds to rest between jobs.
    public var rest = 0.0
    /// `--once`: process a single job then exit.
    public var once = false
    /// Shuttle: jobs processed at the same time.
    public var concurrency = 1
    /// Shuttle `--hand-back-to`: the queue whose tail takes the jobs Shuttle has no handler for, for PHP
    /// workers; `nil` = the tail of the job's own queue. A tail, so Shuttle reaches the jobs queued behind it.
    public var handBackTo: String?

    public init() {}

    /// The queues to work: `queues`, or the connection's default queue.
    public func effectiveQueues(default defaultQueue: String) -> [String] {
        queues.isEmpty ? [defaultQueue] : queues
    }

    /// `--backoff` as seconds per attempt (the last value repeats for later attempts).
    public var backoffSeconds: [Int] {
        get throws(ConfigurationError) { try Self.parseBackoff(backoff) }
    }

    /// Checks every option, reporting the first problem on one line (`--sleep="-1" must be 0 or more`).
    public func validate() throws(ConfigurationError) {
        if name.isEmpty { throw .invalid("--name", name, "must not be empty") }
        for queue in queues { try Self.validateQueueName(queue) }
        _ = try backoffSeconds
        try Self.require(memory >= 1, "--memory", "\(memory)", "must be at least 1 (megabytes)")
        try Self.require(timeout >= 0, "--timeout", "\(timeout)", "must be 0 or more")
        try Self.require(sleep.isFinite && sleep >= 0, "--sleep", Self.format(sleep), "must be 0 or more")
        try Self.require(tries >= 0, "--tries", "\(tries)", "must be 0 (unlimited) or more")
        try Self.require(maxJobs >= 0, "--max-jobs", "\(maxJobs)", "must be 0 or more")
        try Self.require(maxTime >= 0, "--max-time", "\(maxTime)", "must be 0 or more")
        try Self.require(rest.isFinite && rest >= 0, "--rest", Self.format(rest), "must be 0 or more")
        try Self.require(concurrency >= 1, "--concurrency", "\(concurrency)", "must be at least 1")
        if let handBackTo { try Self.require(!handBackTo.isEmpty, "--hand-back-to", handBackTo, "must not be empty") }
    }

    /// `--queue=high,default` → `["high", "default"]`. Laravel splits on `,` without trimming, so a
    /// stray space would silently name another queue: Shuttle rejects it instead.
    public static func parseQueues(_ list: String, option: String = "--queue") throws(ConfigurationError) -> [String] {
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        for name in names {
            do { try validateQueueName(name) } catch { throw .invalid(option, list, "has an empty or space-padded queue name") }
        }
        return names
    }

    static func validateQueueName(_ name: String) throws(ConfigurationError) {
        if name.isEmpty || name.first!.isWhitespace || name.last!.isWhitespace {
            throw ConfigurationError("queue name \(ConfigurationError.quoted(name)) is empty or has leading/trailing whitespace")
        }
    }

    /// `--backoff=1,5,10` → `[1, 5, 10]`.
    public static func parseBackoff(_ text: String, option: String = "--backoff") throws(ConfigurationError) -> [Int] {
        var seconds: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Int(part), value >= 0 else {
                throw .invalid(option, text, "is not a comma-separated list of seconds (0 or more)")
            }
            seconds.append(value)
        }
        return seconds
    }

    static func require(_ condition: Bool, _ option: String, _ value: String, _ problem: String) throws(ConfigurationError) {
        if !condition { throw .invalid(option, value, problem) }
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
