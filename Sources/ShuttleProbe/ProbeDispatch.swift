#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization
import LaravelQueue
import PHPFormats

/// `Shuttle\Jobs\Probe` (scripts/laravel/Jobs/Probe.php) as a `PendingJob`: its seven typed public
/// properties in declaration order, which are also what `createObjectPayload` reads for the payload's
/// `maxTries`, `backoff`, `timeout` and `failOnTimeout`. Probe does not use `SerializesModels`.
public struct ProbeDispatch: Hashable, Sendable {
    /// The untyped `$backoff`: an int or a list of ints (both give the same payload `backoff` text).
    public enum Backoff: Hashable, Sendable {
        case seconds(Int)
        case list([Int])

        /// `5` → `.seconds(5)`; `1,2` → `.list([1, 2])` (a CLI's `--backoff LIST`).
        public init?(parsing text: String) {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingSpaces()) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
            let values = parts.compactMap { $0 }
            self = values.count == 1 && !text.contains(",") ? .seconds(values[0]) : .list(values)
        }

        var phpValue: PHPValue {
            switch self {
            case .seconds(let s): return .int(s)
            case .list(let l): return .array(PHPArray(list: l.map { .int($0) }))
            }
        }
    }

    /// `float $sleep = 0.0`: seconds `handle()` sleeps.
    public var sleep: Double
    /// `int $failAttempts = 0`: attempts ≤ this throw.
    public var failAttempts: Int
    /// `?string $record = null`: Redis list (prefixed like every key) receiving run entries.
    public var record: String?
    /// `?int $tries = null`
    public var tries: Int?
    /// `$backoff = null`
    public var backoff: Backoff?
    /// `?int $timeout = null`
    public var timeout: Int?
    /// `bool $failOnTimeout = false`
    public var failOnTimeout: Bool

    public init(sleep: Double = 0, failAttempts: Int = 0, record: String? = nil, tries: Int? = nil, backoff: Backoff? = nil,
                timeout: Int? = nil, failOnTimeout: Bool = false) {
        self.sleep = sleep
        self.failAttempts = failAttempts
        self.record = record
        self.tries = tries
        self.backoff = backoff
        self.timeout = timeout
        self.failOnTimeout = failOnTimeout
    }

    /// The properties with their declared defaults, as PHP's class declares them.
    public var properties: [JobProperty] {
        [
            JobProperty("sleep", .public, .double(sleep), default: .double(0)),
            JobProperty("failAttempts", .public, .int(failAttempts), default: .int(0)),
            JobProperty("record", .public, record.map { .string($0) } ?? .null, default: .null),
            JobProperty("tries", .public, tries.map { .int($0) } ?? .null, default: .null),
            JobProperty("backoff", .public, backoff?.phpValue ?? .null, default: .null),
            JobProperty("timeout", .public, timeout.map { .int($0) } ?? .null, default: .null),
            JobProperty("failOnTimeout", .public, .bool(failOnTimeout), default: .bool(false)),
        ]
    }

    /// `dispatch(new Probe([...]))`, optionally `->onQueue($queue)->delay($delay)`, `count` times.
    public func pendingJob(queue: String? = nil, delay: Int? = nil, count: Int = 1, version: LaravelVersion = .app) -> PendingJob {
        PendingJob(className: ProbeJob.phpClass, properties: properties, queue: queue, delay: delay, version: version,
                   shape: .native, count: count)
    }
}
