import PHPFormats
/// Why a worker stopped, with `queue:work`'s exit status for each.
public enum WorkerExit: Sendable, Equatable {
    /// Signal, restart signal, `--stop-when-empty`, `--max-jobs` or `--max-time`: exit 0.
    case stopped(reason: String)
    /// `--memory` exceeded: exit 12.
    case memoryExceeded
    /// A timed-out handler ignored cancellation: exit 1, so the supervisor starts a fresh process.
    case stuckJob

    public var status: Int32 {
        switch self {
        case .stopped: return 0
        case .memoryExceeded: return 12
        case .stuckJob: return 1
        }
    }
}
