#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// What the worker is doing right now: when a pop last brought something (seen in the worker's counts, and told
/// by the metrics middleware of hand-backs and routing) and its jobs in flight (read from the worker). Shared with the health checks, read on the HTTP server's thread.
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

    private let finished = Mutex<(count: (@Sendable () -> Int)?, seen: Int)>((nil, 0))

    /// Where the count of jobs finished comes from (the worker's own).
    public func countFinished(_ count: @escaping @Sendable () -> Int) { finished.withLock { $0.count = count } }

    /// Called by the health sampler and at scrape time: a job that finished or runs since the last look was
    /// brought by a pop. Sampling this, rather than hearing every reservation, keeps the per-job path free.
    public func observe() {
        let changed = finished.withLock { f -> Bool in
            let now = f.count?() ?? f.seen
            defer { f.seen = now }
            return now != f.seen
        }
        if changed || jobsInFlight > 0 { popped() }
    }
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
