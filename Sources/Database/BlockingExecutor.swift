import Dispatch

/// Runs one connection's blocking C calls (SQLite, libpq) in order on its own serial queue.
///
/// Swift's cooperative pool has very few threads; a statement waiting on disk or network there would
/// stall every other task, so each connection gets a private queue and callers await a continuation.
final class BlockingExecutor: Sendable {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Blocks the caller until `body` ran on the queue: for open and close, which must not outlive the call.
    func sync<T>(_ body: () throws -> T) rethrows -> T {
        try queue.sync(execute: body)
    }
}
