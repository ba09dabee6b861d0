import PHPFormats
/// Cross-cutting concerns (logging, metrics, Horizon's records) plug in around the job lifecycle here,
/// so the runtime itself stays about Laravel's rules.
public protocol JobMiddleware: Sendable {
    /// Wraps the handler: call `next` to run it (or don't, to skip it).
    func handle(_ context: JobContext, next: @Sendable (JobContext) async throws -> Void) async throws
    /// The handler returned without releasing, deleting or failing the job; the job is deleted after this.
    /// Throwing ends the attempt as if the handler had thrown (Laravel's `CallQueuedHandler` after `handle()`).
    func jobSucceeded(_ context: JobContext) async throws
    /// The job was failed for good and has left the queue; before the handler's `failed` hook.
    func jobFailed(_ context: JobContext) async
    /// Told of every lifecycle step after it reached Redis.
    func jobEvent(_ event: JobEvent) async
    /// Whether `jobEvent` wants the steps every job goes through (`reserved`, `processed`, `deleted`); the
    /// others always arrive. Read once per worker: when no middleware wants them, a job does not build them
    /// (three async calls per middleware per job otherwise). Default true.
    var hearsRoutineJobEvents: Bool { get }
}

extension JobMiddleware {
    public func handle(_ context: JobContext, next: @Sendable (JobContext) async throws -> Void) async throws {
        try await next(context)
    }
    public func jobSucceeded(_ context: JobContext) async throws {}
    public func jobFailed(_ context: JobContext) async {}
    public func jobEvent(_ event: JobEvent) async {}
    public var hearsRoutineJobEvents: Bool { true }
}

/// The lifecycle steps a middleware hears about, with the bytes that reached Redis.
public enum JobEvent: Sendable {
    case reserved(RedisJob)
    /// The handler finished; runtime in seconds.
    case processed(RedisJob, runtime: Double)
    case released(RedisJob, delay: Int)
    case deleted(RedisJob)
    /// Failed for good; `exception` is the PHP-format text recorded in `failed_jobs`.
    case failed(RedisJob, exception: String)
    /// Not implemented here: given back to PHP untouched.
    case handedBack(RedisJob, toQueue: String)
    /// Router mode: jobs Shuttle does not run, forwarded untouched and in order to PHP's queue (never reserved).
    case routed(queue: String, toQueue: String, payloads: [[UInt8]])
    /// Due delayed jobs and expired reservations moved back to a ready list (the payloads as moved).
    case migrated(queue: String, payloads: [[UInt8]])
    /// A list element that was not a job: recorded as failed with its raw bytes.
    case rejected(queue: String, bytes: [UInt8], reason: String)
    /// A long-running job's reservation was pushed forward; `stillReserved` false: it was gone (another worker
    /// may run the job).
    case renewed(RedisJob, stillReserved: Bool)

    /// The steps every job goes through; see `JobMiddleware.hearsRoutineJobEvents`.
    public var isRoutine: Bool {
        switch self {
        case .reserved, .processed, .deleted: return true
        default: return false
        }
    }
}
