import PHPSerialization
import PHPFormats

/// A property of `Illuminate\Bus\Queueable` (all public).
public enum QueueableProperty: String, CaseIterable, Sendable {
    /// Declared default: `''` for the two lock owners, `[]` for `middleware`/`chained`, else null.
    public var defaultValue: PHPValue {
        switch self {
        case .debounceOwner, .uniqueLockOwner: return .string("")
        case .middleware, .chained: return .array(PHPArray())
        default: return .null
        }
    }

    case connection, queue, group, messageGroup, deduplicator, debounceOwner, uniqueLockOwner
    case delay, afterCommit, middleware, chained, chainConnection, chainQueue, chainCatchCallbacks
}
