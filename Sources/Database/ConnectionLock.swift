/// A fair async mutex: one statement or one whole transaction at a time per connection.
///
/// Without it, another task's statement could land in the middle of someone else's transaction on the
/// same session. Waiters are served first come, first served; the lock is handed over, not re-raced.
/// Spark's store uses it too, to queue SQLite writers in order instead of polling `begin immediate`.
package actor ConnectionLock {
    package init() {}

    private var held = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    package func acquire() async {
        if !held {
            held = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    package func release() {
        if waiters.isEmpty {
            held = false
        } else {
            waiters.removeFirst().resume()
        }
    }

    package nonisolated func withLock<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }
}
