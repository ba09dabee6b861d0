/// How hard a connection tries to come back after it was dropped.
///
/// The first reconnect attempt is immediate; each further one waits `initialDelay`, doubling up to
/// `maxDelay`. After `attempts` failures the command throws `RedisError.reconnectFailed` — the worker
/// decides what to do, rather than hanging forever on a Redis that is gone.
public struct ReconnectBackoff: Sendable, Hashable {
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// Connect attempts per command before giving up (at least 1).
    public var attempts: Int

    public init(initialDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5), attempts: Int = 6) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.attempts = Swift.max(1, attempts)
    }

    /// Wait before connect attempt `attempt` (1-based): zero for the first, then exponential with a cap.
    public func delay(beforeAttempt attempt: Int) -> Duration {
        guard attempt > 1 else { return .zero }
        var delay = initialDelay
        for _ in 2..<attempt {
            delay = delay * 2
            if delay >= maxDelay { return maxDelay }
        }
        return Swift.min(delay, maxDelay)
    }
}
