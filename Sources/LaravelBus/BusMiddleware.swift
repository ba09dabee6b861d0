import LaravelQueue

/// Laravel's `CallQueuedHandler` duties (unique locks, chains, batches) as job middleware, so the worker
/// core knows nothing of them. Put it last in `WorkerServices.middleware`: it must sit next to the handler,
/// where a `ShouldBeUniqueUntilProcessing` lock is freed as the handler starts.
public struct BusMiddleware: JobMiddleware {
    public let bus: BusServices

    public init(bus: BusServices = BusServices()) { self.bus = bus }

    public func handle(_ context: JobContext, next: @Sendable (JobContext) async throws -> Void) async throws {
        guard let duties = duties(context), let handler = context.handler,
              let untilProcessing = duties.untilProcessingLock(context, handler: handler) else {
            return try await next(context)
        }
        await untilProcessing.release()
        try await next(context)
    }

    public func jobSucceeded(_ context: JobContext) async throws {
        guard let duties = duties(context), let handler = context.handler else { return }
        try await duties.jobSucceeded(context, handler: handler)
    }

    public func jobFailed(_ context: JobContext) async {
        await duties(context)?.jobFailed(context, handler: context.handler)
    }

    /// No `jobEvent`: the worker need not send it the per-job steps.
    public var hearsRoutineJobEvents: Bool { false }

    private func duties(_ context: JobContext) -> CallQueuedHandler? {
        guard let environment = context.environment else { return nil }
        return CallQueuedHandler(environment: environment, bus: bus)
    }
}
