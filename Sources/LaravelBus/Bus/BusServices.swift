import LaravelQueue
import PHPFormats
import PHPSerialization
/// What Shuttle needs to do the bookkeeping of Laravel's `CallQueuedHandler` around a job (spec §7):
/// each part optional — without it that duty is skipped (and logged when a job needed it).
public struct BusServices: Sendable {
    /// The locks of the app's default cache store: where `ShouldBeUnique` locks live unless a handler's
    /// `uniqueVia` says otherwise. Redis store: `RedisLockProvider` on the store's lock connection.
    public var locks: (any LockProvider)?
    /// `job_batches`, for batched jobs (`batchId`).
    public var batches: DatabaseBatchRepository?
    /// Set when the app runs Horizon: chained jobs then get Horizon's payload shape (spec §8.2).
    public var horizon: HorizonOptions?
    /// The app's default queue connection (`queue.default`), where a chained job without a connection goes;
    /// nil = the worker's own connection.
    public var defaultConnection: String?
    /// Other Redis queue connections chained jobs may name (`onConnection`), by connection name.
    public var connections: [String: any QueueDriver]

    public init(locks: (any LockProvider)? = nil, batches: DatabaseBatchRepository? = nil, horizon: HorizonOptions? = nil,
                defaultConnection: String? = nil, connections: [String: any QueueDriver] = [:]) {
        self.locks = locks
        self.batches = batches
        self.horizon = horizon
        self.defaultConnection = defaultConnection
        self.connections = connections
    }
}
