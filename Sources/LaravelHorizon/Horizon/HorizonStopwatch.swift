import Synchronization
import LaravelQueue
import PHPFormats
import PHPSerialization

/// Horizon's `Stopwatch`: reserve times by job id, read when the job is deleted, for the runtime metric.
/// Entries of jobs that never finish here (timed out and left reserved) are dropped once stale.
final class HorizonStopwatch: Sendable {
    private let starts = Mutex<[String: Double]>([:])
    /// Past this many entries, those older than `staleAfter` seconds are dropped.
    private let limit: Int
    private let staleAfter: Double

    init(limit: Int = 10_000, staleAfter: Double = 86_400) {
        self.limit = limit
        self.staleAfter = staleAfter
    }

    func start(_ id: String, at seconds: Double) {
        starts.withLock { s in
            s[id] = seconds
            if s.count > limit { s = s.filter { seconds - $0.value < staleAfter } }
        }
    }

    /// Milliseconds since `start`, rounded to 2 decimals as `round(…, 2)`; nil when not started here.
    func stop(_ id: String, at seconds: Double) -> Double? {
        guard let start = starts.withLock({ $0.removeValue(forKey: id) }) else { return nil }
        return ((seconds - start) * 1000 * 100).rounded() / 100
    }

    func forget(_ id: String) -> Bool { starts.withLock { $0.removeValue(forKey: id) != nil } }
}
