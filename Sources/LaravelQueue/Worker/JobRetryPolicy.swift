import PHPFormats
/// Laravel's attempt, retry-until and backoff arithmetic (spec §6.2, §6.3), as pure functions so every rule
/// is unit-testable without Redis.
public struct JobRetryPolicy: Sendable, Equatable {
    /// Payload `maxTries` if set, else the worker's `--tries`. 0 = unlimited.
    public var maxTries: Int
    /// Payload `retryUntil` (Unix seconds), which overrides `maxTries` when set. PHP tests it for truth,
    /// so 0 counts as not set.
    public var retryUntil: Int?
    /// Payload `backoff` ?? payload `delay` (12.11+) ?? the worker's `--backoff`, as a comma list.
    public var backoff: String
    /// v8.0–v8.14 fail a job whose attempts are used up after an exception even while its `retryUntil` is
    /// still ahead (the `! retryUntil` guard arrived in v8.15).
    public var attemptsCountDespiteRetryUntil: Bool

    public init(maxTries: Int, retryUntil: Int?, backoff: String, attemptsCountDespiteRetryUntil: Bool = false) {
        self.maxTries = maxTries
        self.retryUntil = retryUntil == 0 ? nil : retryUntil
        self.backoff = backoff
        self.attemptsCountDespiteRetryUntil = attemptsCountDespiteRetryUntil
    }

    /// The policy a `version` worker derives from a payload and its own options.
    public init(payload: Payload, workerTries: Int, workerBackoff: String, version: LaravelVersion = .app) {
        // Job::retryUntil(): `retryUntil ?? timeoutAt` until v9.26 dropped the pre-v8 field.
        let until = payload.retryUntil ?? (version < LaravelVersion(9, 26) ? payload.timeoutAt : nil)
        let backoff = payload.backoff ?? payload.delay.map(String.init) ?? workerBackoff
        self.init(maxTries: payload.maxTries ?? workerTries, retryUntil: until, backoff: backoff,
                  attemptsCountDespiteRetryUntil: version < LaravelVersion(8, 15))
    }

    /// `markJobAsFailedIfAlreadyExceedsMaxAttempts`: checked before the handler runs.
    /// PHP: go on when retryUntil is ahead, or without retryUntil when `maxTries === 0 || attempts <= maxTries`.
    public func alreadyExceeded(attempts: Int, now: Int) -> Bool {
        if let retryUntil { return now > retryUntil }
        return !(maxTries == 0 || attempts <= maxTries)
    }

    /// `markJobAsFailedIfWillExceedMaxAttempts`: checked after an exception.
    public func willExceed(attempts: Int, now: Int) -> Bool {
        if let retryUntil, retryUntil <= now { return true }
        if retryUntil != nil && !attemptsCountDespiteRetryUntil { return false }
        return maxTries > 0 && attempts >= maxTries
    }

    /// `calculateBackoff`: `(int) ($list[attempts - 1] ?? last($list))`.
    public func backoffSeconds(attempts: Int) -> Int {
        let parts = backoff.split(separator: ",", omittingEmptySubsequences: false)
        guard let last = parts.last else { return 0 }
        let index = attempts - 1
        return Self.phpIntCast(parts.indices.contains(index) ? parts[index] : last)
    }

    /// PHP 8's `(int)` of a string: leading whitespace, then the longest numeric prefix; a float prefix
    /// (`1.5`, `1e3`) is truncated, and anything out of range saturates as `zend_dval_to_lval_cap` does.
    static func phpIntCast(_ text: Substring) -> Int {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C].contains(bytes[i]) { i += 1 }
        let start = i
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
        func digits() -> Int {
            let from = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - from
        }
        let intDigits = digits()
        var end = i
        var isFloat = false
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            if digits() > 0 || intDigits > 0 { end = i; isFloat = true }
        }
        guard intDigits > 0 || isFloat else { return 0 }
        i = end
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            if digits() > 0 { end = i; isFloat = true }
        }
        let literal = String(decoding: bytes[start..<end], as: UTF8.self)
        if !isFloat, let exact = Int(literal) { return exact }
        guard let value = Double(literal), !value.isNaN else { return 0 }
        if value >= 9.2233720368547758e18 { return Int.max }
        if value <= -9.2233720368547758e18 { return Int.min }
        return Int(value.rounded(.towardZero))
    }
}
