import LaravelQueue
import Synchronization

/// A job handler made of a closure; counts its runs and its `failed` hook calls.
final class TestHandler: JobHandler {
    typealias Body = @Sendable (JobContext) async throws -> Void
    private let body: Body
    private let counts = Mutex<(runs: Int, failedCalls: Int, failedWithCommand: Bool)>((0, 0, false))

    init(_ body: @escaping Body = { _ in }) { self.body = body }

    func handle(_ context: JobContext) async throws {
        counts.withLock { $0.runs += 1 }
        try await body(context)
    }

    func failed(_ context: JobContext, error: any Error) async {
        let hasCommand = context.command != nil
        counts.withLock { $0.failedCalls += 1; $0.failedWithCommand = hasCommand }
    }

    var runs: Int { counts.withLock { $0.runs } }
    var failedCalls: Int { counts.withLock { $0.failedCalls } }
    var failedHookHadCommand: Bool { counts.withLock { $0.failedWithCommand } }

    static func registry(_ handler: TestHandler, for phpClass: String = "App\\Jobs\\TestJob") throws -> JobRegistry {
        var r = JobRegistry()
        try r.register(phpClass, handler)
        return r
    }
}

/// Thrown by test handlers.
struct TestFailure: Error, CustomStringConvertible {
    var message = "boom"
    var description: String { message }
}
