import Synchronization

/// Runs a handler with Laravel's job timeout. A timed-out handler is cancelled; one that ignores
/// cancellation past the grace period is reported `stuck`, so the worker can exit as PHP's does.
enum TimeoutRunner {
    enum Result: Sendable {
        case finished(Swift.Result<Void, any Error>)
        case timedOut(stuck: Bool)
    }

    /// - Parameter seconds: 0 disables the timeout, as in Laravel.
    static func run(seconds: Int, grace: Duration, _ body: @escaping @Sendable () async throws -> Void) async -> Result {
        let work = Task { try await body() }
        guard seconds > 0 else { return .finished(await work.result) }
        let first = await firstOf(work, timeout: .seconds(seconds))
        if let outcome = first { return .finished(outcome) }
        work.cancel()
        let afterCancel = await firstOf(work, timeout: grace)
        return .timedOut(stuck: afterCancel == nil)
    }

    /// The task's result, or nil when `timeout` passes first. The timer is cancelled as soon as the task
    /// ends, so finished jobs leave nothing sleeping behind.
    private static func firstOf(_ work: Task<Void, any Error>, timeout: Duration) async -> Swift.Result<Void, any Error>? {
        let once = ResumeOnce()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Swift.Result<Void, any Error>?, Never>) in
            once.set(continuation)
            let timer = Task {
                // A cancelled sleep means the job finished first: resuming here would report a timeout.
                do { try await Task.sleep(for: timeout) } catch { return }
                once.resume(nil)
            }
            Task {
                let result = await work.result
                once.resume(result)
                timer.cancel()
            }
        }
    }

    private final class ResumeOnce: Sendable {
        private let state = Mutex<CheckedContinuation<Swift.Result<Void, any Error>?, Never>?>(nil)
        func set(_ c: CheckedContinuation<Swift.Result<Void, any Error>?, Never>) { state.withLock { $0 = c } }
        func resume(_ value: Swift.Result<Void, any Error>?) {
            let c = state.withLock { s -> CheckedContinuation<Swift.Result<Void, any Error>?, Never>? in
                defer { s = nil }
                return s
            }
            c?.resume(returning: value)
        }
    }
}
