/// Laravel's attempt, retry-until and backoff arithmetic (spec §6.2, §6.3), as pure functions so every rule
/// is unit-testable without Redis.
public struct JobRetryPolicy: Sendable, Equatable {
    /// Payload `maxTries` if set, else the worker's `--tries`. 0 = unlimited.
    public var maxTries: Int
    /// Payload `retryUntil` (Unix seconds), which overrides `maxTries` when set.
    public var retryUntil: Int?
    /// Payload `backoff` ?? payload `delay` (12.11+) ?? the worker's `--backoff`, as a comma list.
    public var backoff: String

    public init(maxTries: Int, retryUntil: Int?, backoff: String) {
        self.maxTries = maxTries
        self.retryUntil = retryUntil
        self.backoff = backoff
    }

    /// The policy Laravel's worker derives from a payload and its own options.
    public init(payload: Payload, workerTries: Int, workerBackoff: String) {
        maxTries = payload.maxTries ?? workerTries
        retryUntil = payload.retryUntil
        if let b = payload.backoff { backoff = b }
        else if let d = payload.delay { backoff = String(d) }
        else { backoff = workerBackoff }
    }

    /// `markJobAsFailedIfAlreadyExceedsMaxAttempts`: checked before the handler runs.
    public func alreadyExceeded(attempts: Int, now: Int) -> Bool {
        if let retryUntil { return now > retryUntil }
        return maxTries > 0 && attempts > maxTries
    }

    /// `markJobAsFailedIfWillExceedMaxAttempts`: checked after an exception.
    public func willExceed(attempts: Int, now: Int) -> Bool {
        if let retryUntil { return retryUntil <= now }
        return maxTries > 0 && attempts >= maxTries
    }

    /// `calculateBackoff`: the element for this attempt, or the last one when the list is shorter.
    /// Elements are cast as PHP's `(int)` does: leading digits, else 0.
    public func backoffSeconds(attempts: Int) -> Int {
        let parts = backoff.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return 0 }
        let index = min(max(attempts - 1, 0), parts.count - 1)
        return Self.phpIntCast(parts[index])
    }

    static func phpIntCast(_ text: Substring) -> Int {
        let trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        var sign = 1
        var digits = trimmed[...]
        if let f = digits.first, f == "-" || f == "+" { sign = f == "-" ? -1 : 1; digits = digits.dropFirst() }
        let number = digits.prefix { $0.isASCII && $0.isNumber }
        return (Int(number) ?? 0) * sign
    }
}
