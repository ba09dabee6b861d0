import Synchronization

/// Wakes the worker loop early from a sleep: a job finished (a slot is free), a stop or resume was asked.
/// Waits are bounded, so a missed wake-up costs at most one sleep.
final class WorkerSignal: Sendable {
    private struct Waiter { let id: Int; let continuation: CheckedContinuation<Void, Never>; let timer: Task<Void, Never> }
    private let state = Mutex<(next: Int, pending: Bool, waiters: [Waiter], expired: Set<Int>)>((0, false, [], []))

    /// Wakes every current waiter, or the next one to wait when nobody is waiting now.
    func signal() {
        let waiters = state.withLock { s -> [Waiter] in
            if s.waiters.isEmpty { s.pending = true; return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.timer.cancel(); w.continuation.resume() }
    }

    /// Sleeps until `signal()` or `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        guard timeout > .zero else { return }
        let id: Int? = state.withLock { s in
            if s.pending { s.pending = false; return nil }
            s.next += 1
            return s.next
        }
        guard let id else { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let timer = Task { [weak self] in
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { self?.resume(id) }
            }
            let expired = state.withLock { s -> Bool in
                if s.expired.remove(id) != nil { return true }
                s.waiters.append(Waiter(id: id, continuation: c, timer: timer))
                return false
            }
            if expired { c.resume() }
        }
    }

    private func resume(_ id: Int) {
        let waiter = state.withLock { s -> Waiter? in
            guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { s.expired.insert(id); return nil }
            return s.waiters.remove(at: i)
        }
        waiter?.continuation.resume()
    }
}
