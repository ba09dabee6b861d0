/// What the worker, `JobProcessor` and the dispatchers need of a queue: Laravel's `Queue` contract plus the
/// reservation bookkeeping of its Redis driver. `RedisQueue` is the driver that talks to PHP; the testing
/// product's `InMemoryQueue` keeps the same rules in memory, so lifecycle rules and handlers test without Redis.
///
/// A reserved job keeps two byte strings (`RedisJob.rawBody`, `RedisJob.reserved`): a driver deletes and
/// releases by the reserved bytes only, as Laravel does.
public protocol QueueDriver: AnyObject, Sendable {
    /// The queue connection's name (`redis`): what `failed_jobs.connection` records.
    var connectionName: String { get }
    /// The queue used when none is named.
    var defaultQueue: String { get }
    /// Seconds a reservation lasts (`retry_after`).
    var retryAfter: Int { get }
    /// `block_for`: nil never blocks, 0 blocks forever.
    var blockFor: Double? { get }
    /// The queue's clock, Unix seconds: reservation expiries, delays and `retryUntil` use it.
    var now: Int { get }
    /// Where code that mostly talks to this queue runs best (a connection's own thread); nil: anywhere.
    var preferredExecutor: (any TaskExecutor)? { get }

    // Producing
    func push(_ payload: Payload, queue: String?) async throws
    func later(_ payload: Payload, availableAt: Int, queue: String?) async throws
    func bulk(_ payloads: [Payload], queue: String?) async throws

    // Consuming
    /// Due delayed jobs and expired reservations back to the ready list; returns the payloads moved.
    func migrateJobs(queue: String?) async throws -> [[UInt8]]
    /// Reserves up to `count` jobs; each as one Laravel pop (attempts + 1 in the reserved copy).
    func pop(queue: String?, count: Int) async throws -> PopResult
    /// Waits for a notify token up to `timeout` seconds; true when one came.
    func waitForNotification(queue: String?, timeout: Double) async throws -> Bool
    func delete(_ job: RedisJob) async throws
    /// Deletes many; a driver may share round trips between them.
    func delete(_ jobs: [RedisJob]) async throws
    func release(_ job: RedisJob, delay: Int) async throws
    /// Back to PHP untouched (original bytes, attempt unspent): to the tail of `queue`, or with nil to the
    /// head of its own queue. (The worker always names a queue: `--hand-back-to`, else the job's own.)
    func handBack(_ job: RedisJob, to queue: String?) async throws -> Bool
    /// Pushes a long job's reservation forward; false when it was gone.
    func renewReservation(_ job: RedisJob) async throws -> Bool
    /// Elements a pop set aside as not jobs, not yet recorded as failed.
    func quarantined(queue: String?) async throws -> [QuarantinedElement]
    func removeQuarantined(_ element: QuarantinedElement) async throws

    // Inspecting
    func sizes(queue: String?) async throws -> QueueSizes
}

extension QueueDriver {
    /// `name`, or the default queue when nil.
    public func queueName(_ name: String?) -> String { name ?? defaultQueue }
}
