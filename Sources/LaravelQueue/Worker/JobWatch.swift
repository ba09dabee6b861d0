import Synchronization
import PHPFormats

/// One running job as the worker's watchdog sees it: its timeout deadline and how to cancel it.
///
/// One watchdog loop checks every job instead of a timer per job: on Linux a cancelled `Task.sleep` keeps
/// its timer (and memory) until the deadline, so a 60 s timer per job would hold memory for a minute of jobs.
final class JobWatch: Sendable {
    enum Verdict {
        case running
        /// The deadline passed just now: cancel the task (the timeout rules are already running).
        case timedOut(task: Task<Void, Never>?)
        /// Timed out and still running past the grace period.
        case stuck
    }

    private struct State {
        var deadline: ContinuousClock.Instant?
        var onTimeout: (@Sendable () async -> Void)?
        var timedOutAt: ContinuousClock.Instant?
        var task: Task<Void, Never>?
        /// The timeout rules being applied, started the moment the deadline was seen.
        var handling: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// The task running the job, so the watchdog can cancel it.
    func attach(_ task: Task<Void, Never>) { state.withLock { $0.task = task } }

    /// Starts the clock (0 seconds = no timeout, as in Laravel). `onTimeout` applies the timeout rules.
    func arm(seconds: Int, onTimeout: @escaping @Sendable () async -> Void) {
        guard seconds > 0 else { return }
        state.withLock {
            $0.deadline = .now + .seconds(seconds)
            $0.onTimeout = onTimeout
        }
    }

    /// The handler returned: true when it did so in time, false when the timeout already fired
    /// (then the timeout rules own the job's outcome).
    func disarm() -> Bool {
        state.withLock { s in
            if s.timedOutAt != nil { return false }
            s.deadline = nil
            s.onTimeout = nil
            return true
        }
    }

    var timedOut: Bool { state.withLock { $0.timedOutAt != nil } }

    /// Waits until the timeout rules have been applied, so the job counts as finished only then.
    func timeoutHandled() async {
        await state.withLock { $0.handling }?.value
    }

    func check(now: ContinuousClock.Instant, grace: Duration) -> Verdict {
        state.withLock { s in
            if let at = s.timedOutAt { return now - at >= grace ? .stuck : .running }
            guard let deadline = s.deadline, now >= deadline, let onTimeout = s.onTimeout else { return .running }
            s.timedOutAt = now
            s.onTimeout = nil
            s.handling = Task { await onTimeout() }
            return .timedOut(task: s.task)
        }
    }
}
