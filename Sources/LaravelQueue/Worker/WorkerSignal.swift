import Synchronization
import PHPFormats

/// Wakes the worker loop early from a sleep: a job finished (a slot is free), a stop or resume was asked.
///
/// Timed waits share one reaper task instead of a timer each: on Linux a cancelled `Task.sleep` keeps its
/// timer (and memory) until its deadline, and the loop waits once per finished job when all slots are busy.
/// The reaper wakes at most every `granularity`, so waits may run that much long.
final class WorkerSignal: Sendable {
    private struct Waiter {
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var pending = false
        var waiters: [Waiter] = []
        var reaperRunning = false
    }

    private let state = Mutex(State())
    let granularity: Duration

    init(granularity: Duration = .milliseconds(20)) { self.granularity = granularity }

    /// Wakes every current waiter, or the next one to wait when nobody is waiting now.
    func signal() {
        let waiters = state.withLock { s -> [Waiter] in
            if s.waiters.isEmpty { s.pending = true; return [] }
            defer { s.waiters.removeAll(keepingCapacity: true) }
            return s.waiters
        }
        for w in waiters { w.continuation.resume() }
    }

    /// Sleeps until `signal()` or `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        guard timeout > .zero else { return }
        let deadline = ContinuousClock.now + timeout
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let (resumeNow, startReaper) = state.withLock { s -> (Bool, Bool) in
                if s.pending { s.pending = false; return (true, false) }
                s.waiters.append(Waiter(deadline: deadline, continuation: c))
                if s.reaperRunning { return (false, false) }
                s.reaperRunning = true
                return (false, true)
            }
            if resumeNow { c.resume() }
            if startReaper { Task { await self.reap() } }
        }
    }

    /// Resumes waiters whose deadline passed; ends when nobody waits.
    private func reap() async {
        while true {
            let (expired, nextDeadline) = state.withLock { s -> ([Waiter], ContinuousClock.Instant?) in
                let now = ContinuousClock.now
                let expired = s.waiters.filter { $0.deadline <= now }
                s.waiters.removeAll { $0.deadline <= now }
                if s.waiters.isEmpty { s.reaperRunning = false }
                return (expired, s.waiters.map(\.deadline).min())
            }
            for w in expired { w.continuation.resume() }
            guard let nextDeadline else { return }
            let pause = min(max(nextDeadline - .now, .milliseconds(1)), granularity)
            try? await Task.sleep(for: pause)
        }
    }
}
