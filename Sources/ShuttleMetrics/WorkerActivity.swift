#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// What the worker is doing right now: when a pop last brought something (the metrics middleware records it)
/// and its jobs in flight (read from the worker). Shared with the health checks, read on the HTTP server's thread.
public final class WorkerActivity: Sendable {
    /// `--concurrency`: the slots there are.
    public let concurrency: Int
    private let inFlight = Mutex<(@Sendable () -> Int)?>(nil)
    /// Unix seconds (as a bit pattern) of the last pop that took a job, handed one back or routed some; 0 = never.
    private let lastPop = Atomic<UInt64>(0)

    public init(concurrency: Int) { self.concurrency = max(1, concurrency) }

    public var jobsInFlight: Int { inFlight.withLock { $0 }?() ?? 0 }

    /// Where the count of jobs in flight comes from (the worker's own slots).
    public func countInFlight(_ count: @escaping @Sendable () -> Int) { inFlight.withLock { $0 = count } }
    public var freeSlots: Int { max(0, concurrency - jobsInFlight) }

    /// Unix time of the last successful pop, nil before the first.
    public var lastPopAt: Double? {
        let bits = lastPop.load(ordering: .relaxed)
        return bits == 0 ? nil : Double(bitPattern: bits)
    }

    @discardableResult
    func popped() -> Double {
        let now = Self.unixTime()
        lastPop.store(now.bitPattern, ordering: .relaxed)
        return now
    }

    /// Wall-clock Unix seconds (Prometheus timestamps and alert arithmetic use wall time).
    public static func unixTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
