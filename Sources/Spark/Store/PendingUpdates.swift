import Database
import Synchronization

/// Row updates a writer holds back until the end of its transaction, the last values per row id: locking
/// rows other jobs also write for as short a time as possible.
final class PendingUpdates: Sendable {
    private let rows = Mutex<(order: [String], values: [String: [SQLValue]])>(([], [:]))

    /// `values` starts with the row id, as `updateRows` expects.
    func add(id: String, _ values: [SQLValue]) {
        rows.withLock { state in
            if state.values.updateValue(values, forKey: id) == nil { state.order.append(id) }
        }
    }

    /// The held rows, in first-held order; empties the buffer.
    func take() -> [[SQLValue]] {
        rows.withLock { state in
            defer { state = ([], [:]) }
            return state.order.compactMap { state.values[$0] }
        }
    }
}
