#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Redis
import PHPFormats
import Synchronization

/// Laravel's `Illuminate\Queue\RedisQueue`: the queue operations, with the same effect on Redis as PHP's,
/// on the same keys (the client applies the prefix) in the same database.
///
/// Pops may take several jobs in one round trip; each job's effect equals one Laravel pop (spec §2.3).
public final class RedisQueue: QueueDriver {
    /// The queue connection's name (`redis`): what `failed_jobs.connection` records.
    public let connectionName: String
    public let defaultQueue: String
    /// Seconds a reservation lasts (`retry_after`).
    public let retryAfter: Int
    /// `block_for`: nil never blocks, 0 blocks forever.
    public let blockFor: Double?
    /// `migration_batch_size` (Laravel 9.23+); negative = unlimited.
    public let migrationBatchSize: Int
    /// Laravel 12.45+ writes delayed jobs with a script; earlier versions with a plain ZADD.
    public let laterUsesScript: Bool
    let clusterHashTags: Bool
    let redis: RedisConnection
    /// A second connection for BLPOP, so a blocked wait never holds up the commands of running jobs.
    let blockingRedis: RedisConnection?
    let clock: @Sendable () -> Int

    public init(
        connectionName: String = "redis",
        redis: RedisConnection,
        blockingRedis: RedisConnection? = nil,
        defaultQueue: String = "default",
        retryAfter: Int = 90,
        blockFor: Double? = nil,
        migrationBatchSize: Int = -1,
        laterUsesScript: Bool = false,
        clusterHashTags: Bool = false,
        clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }
    ) {
        self.connectionName = connectionName
        self.redis = redis
        self.blockingRedis = blockingRedis
        self.defaultQueue = defaultQueue
        self.retryAfter = retryAfter
        self.blockFor = blockFor
        self.migrationBatchSize = migrationBatchSize
        self.laterUsesScript = laterUsesScript
        self.clusterHashTags = clusterHashTags
        self.clock = clock
    }

    public func keys(_ queue: String?) -> QueueKeys {
        let name = queue ?? defaultQueue
        if let cached = keyCache.withLock({ $0[name] }) { return cached }
        let keys = QueueKeys(queue: name, clusterHashTag: clusterHashTags)
        keyCache.withLock { cache in
            if cache.count >= Self.keyCacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[name] = keys
        }
        return keys
    }

    /// The keys of the queues in use, by name: every pop and every finished job's ZREM needs them, and building
    /// them is four String allocations. Bounded, as any name a caller passes lands here.
    private let keyCache = Mutex<[String: QueueKeys]>([:])
    private static let keyCacheLimit = 64

    public var now: Int { clock() }

    /// The queue connection's own thread: code that mostly talks to this queue (the worker loop, batched
    /// deletes) runs there, so each Redis call executes inline instead of hopping threads.
    public var executor: any TaskExecutor { redis.executor }
    public var preferredExecutor: (any TaskExecutor)? { redis.executor }

    // MARK: Producing

    /// Laravel's `pushRaw`. The payload must carry a numeric `attempts`, or Laravel's pop script would lose it.
    public func pushRaw(_ payload: [UInt8], queue: String? = nil) async throws {
        try await push(Payload(bytes: payload), queue: queue)
    }

    /// Pushes a payload already decoded or built: validated from its JSON, sent as its exact bytes.
    public func push(_ payload: Payload, queue: String? = nil) async throws {
        try PayloadValidator.validate(payload.json)
        let k = keys(queue)
        _ = try await redis.evaluate(QueueScripts.push, keys: [k.ready, k.notify], arguments: [.value(payload.rawBytes)])
    }

    /// Laravel's `laterRaw`: ZADD on `:delayed` at now + delay (a plain command before 12.45, the script after).
    public func laterRaw(_ payload: [UInt8], delay: Int, queue: String? = nil) async throws {
        try await later(Payload(bytes: payload), availableAt: now + max(0, delay), queue: queue)
    }

    public func laterRaw(_ payload: [UInt8], availableAt: Int, queue: String? = nil) async throws {
        try await later(Payload(bytes: payload), availableAt: availableAt, queue: queue)
    }

    public func later(_ payload: Payload, delay: Int, queue: String? = nil) async throws {
        try await later(payload, availableAt: now + max(0, delay), queue: queue)
    }

    public func later(_ payload: Payload, availableAt: Int, queue: String? = nil) async throws {
        try PayloadValidator.validate(payload.json)
        let k = keys(queue)
        if laterUsesScript {
            _ = try await redis.evaluate(QueueScripts.later, keys: [k.delayed],
                                         arguments: [.value(String(availableAt)), .value(payload.rawBytes)])
        } else {
            _ = try await redis.send(RedisCommand("ZADD", [.key(k.delayed), .value(String(availableAt)), .value(payload.rawBytes)]))
        }
    }

    /// Laravel's `bulk`: one MULTI/EXEC pipeline of pushes.
    public func bulk(_ payloads: [[UInt8]], queue: String? = nil) async throws {
        try await bulk(payloads.map { try Payload(bytes: $0) }, queue: queue)
    }

    /// `bulk` of payloads already decoded or built.
    ///
    /// Plain EVAL, as Laravel sends: inside MULTI an EVALSHA the server no longer knows (SCRIPT FLUSH, failover)
    /// fails only within EXEC's reply, where the client's NOSCRIPT fallback cannot see it.
    public func bulk(_ payloads: [Payload], queue: String? = nil) async throws {
        for p in payloads { try PayloadValidator.validate(p.json) }
        let k = keys(queue)
        var commands = [RedisCommand("MULTI", [])]
        for p in payloads {
            commands.append(.eval(QueueScripts.push, keys: [k.ready, k.notify], arguments: [.value(p.rawBytes)]))
        }
        commands.append(RedisCommand("EXEC", []))
        let replies = try await redis.pipeline(commands)
        for reply in replies {
            if case .error(let message) = reply { throw RedisError.server(message) }
        }
        guard let results = replies.last?.array else { throw RedisError.server("EXEC of the bulk push was aborted") }
        for result in results {
            if case .error(let message) = result { throw RedisError.server(message) }
        }
    }

    // MARK: Consuming

    /// Laravel's `migrateExpiredJobs` for both sets of a queue: due delayed jobs, then expired reservations.
    @discardableResult
    public func migrate(queue: String? = nil) async throws -> Int {
        try await migrateJobs(queue: queue).count
    }

    /// `migrate`, returning the payloads moved to the ready list (delayed ones first), for listeners such as
    /// Horizon's records, which mark each one pending again.
    public func migrateJobs(queue: String? = nil) async throws -> [[UInt8]] {
        let k = keys(queue)
        let now = String(self.now)
        let limit = String(migrationBatchSize)
        let replies = try await redis.pipeline([
            .evalsha(QueueScripts.migrateExpiredJobs, keys: [k.delayed, k.ready, k.notify], arguments: [.value(now), .value(limit)]),
            .evalsha(QueueScripts.migrateExpiredJobs, keys: [k.reserved, k.ready, k.notify], arguments: [.value(now), .value(limit)]),
        ])
        var moved: [[UInt8]] = []
        for reply in replies {
            if case .error(let message) = reply { throw RedisError.server(message) }
            moved += (reply.array ?? []).compactMap(\.bytes)
        }
        return moved
    }

    /// Reserves up to `count` jobs from one queue in one round trip (no migration: see `migrate`).
    public func pop(queue: String? = nil, count: Int = 1) async throws -> PopResult {
        let k = keys(queue)
        let expiry = String(now + retryAfter)
        let reply = try await redis.evaluate(
            QueueScripts.pop, keys: [k.ready, k.reserved, k.notify, k.quarantine],
            arguments: [.value(expiry), .value(String(max(1, count)))])
        return decodePop(reply, queue: k.name)
    }

    /// Selective reservation (`QueueDriver.popSelected`): one script call, the window read once.
    public func popSelected(queue: String?, count: Int, classes: [String], window: Int) async throws -> PopResult {
        let k = keys(queue)
        guard count > 0, !classes.isEmpty else { return PopResult() }
        let expiry = String(now + retryAfter)
        let reply = try await redis.evaluate(
            QueueScripts.popSelected, keys: [k.ready, k.reserved, k.notify, k.quarantine],
            arguments: [.value(expiry), .value(String(count)), .value(String(max(1, window)))] + classes.map { .value($0) })
        var result = decodePop(reply, queue: k.name)
        result.passedOver = reply.array?.last?.int ?? 0
        return result
    }

    /// Router mode (`QueueDriver.route`): one script call per batch.
    public func route(queue: String?, slots: Int, batch: Int, classes: [String], to target: String) async throws -> PopResult {
        let k = keys(queue)
        let t = keys(target)
        let expiry = String(now + retryAfter)
        let reply = try await redis.evaluate(
            QueueScripts.route, keys: [k.ready, k.reserved, k.notify, k.quarantine, t.ready, t.notify],
            arguments: [.value(expiry), .value(String(max(0, slots))), .value(String(max(1, batch)))] + classes.map { .value($0) })
        var result = decodePop(reply, queue: k.name)
        result.routedTo = t.name
        return result
    }

    func decodePop(_ reply: RESPValue, queue: String) -> PopResult {
        var result = PopResult()
        guard let items = reply.array else { return result }
        let reservedAt = ContinuousClock.now
        var i = 0
        while i + 2 < items.count {
            defer { i += 3 }
            guard let raw = items[i].bytes else { continue }
            if items[i + 2].int == 2 {
                result.routed.append(raw)
                continue
            }
            if items[i + 2].int == 1 {
                result.quarantined.append(QuarantinedElement(queue: queue, bytes: raw))
                continue
            }
            guard let reserved = items[i + 1].bytes else { continue }
            append(raw: raw, reserved: reserved, queue: queue, reservedAt: reservedAt, to: &result)
        }
        return result
    }

    private func append(raw: [UInt8], reserved: [UInt8], queue: String, reservedAt: ContinuousClock.Instant, to result: inout PopResult) {
        do {
            let payload = try Payload(bytes: raw)
            result.jobs.append(RedisJob(connectionName: connectionName, queue: queue, rawBody: raw,
                                        reserved: reserved, payload: payload, reservedAt: reservedAt))
        } catch {
            result.undecodable.append(UndecodableJob(queue: queue, rawBody: raw, reserved: reserved,
                                                     reason: "The payload cannot be decoded: \(error)"))
        }
    }

    /// Waits on the queue's notify list for up to `timeout` seconds (BLPOP, as `block_for` does).
    /// Returns true when a token arrived.
    public func waitForNotification(queue: String? = nil, timeout: Double) async throws -> Bool {
        let connection = blockingRedis ?? redis
        let reply = try await connection.send(.blpop(keys: [keys(queue).notify], timeout: .milliseconds(Int(timeout * 1000))))
        return reply != .null
    }

    /// Laravel's `deleteReserved`: ZREM of the exact reserved bytes.
    public func delete(_ job: RedisJob) async throws {
        _ = try await redis.send(RedisCommand("ZREM", [.key(keys(job.queue).reserved), .value(job.reserved)]))
    }

    /// Deletes many finished jobs in one pipeline: one ZREM each, exactly the commands `delete` sends.
    public func delete(_ jobs: [RedisJob]) async throws {
        guard !jobs.isEmpty else { return }
        if jobs.count == 1 { return try await delete(jobs[0]) }
        let commands = jobs.map { RedisCommand("ZREM", [.key(keys($0.queue).reserved), .value($0.reserved)]) }
        for reply in try await redis.pipeline(commands) {
            if case .error(let message) = reply { throw RedisError.server(message) }
        }
    }

    /// Laravel's `deleteAndRelease`: the reserved bytes move to `:delayed` at now + delay, unchanged.
    public func release(_ job: RedisJob, delay: Int) async throws {
        let k = keys(job.queue)
        _ = try await redis.evaluate(QueueScripts.release, keys: [k.delayed, k.reserved],
                                     arguments: [.value(job.reserved), .value(String(now + max(0, delay)))])
    }

    /// Gives a job Shuttle does not implement back to PHP: original bytes, attempts unspent.
    /// With a `queue` (its own included), to that queue's tail; with none, to the head of its own queue
    /// (keeping its place). The worker always names one, `--hand-back-to` or else the job's own queue, so a
    /// handed-back job goes to a tail and Shuttle does not pop it again before the jobs behind it.
    /// Returns false when the reservation was gone already.
    @discardableResult
    public func handBack(_ job: RedisJob, to queue: String? = nil) async throws -> Bool {
        let target = keys(queue ?? job.queue)
        let toHead = queue == nil
        let reply = try await redis.evaluate(
            QueueScripts.handBack, keys: [keys(job.queue).reserved, target.ready, target.notify],
            arguments: [.value(job.reserved), .value(job.rawBody), .value(toHead ? "1" : "0")])
        return reply.int == 1
    }

    /// Pushes the reservation of a long-running job forward (same member, later score) so no worker's
    /// migration hands it out again. Only while it is still reserved; true when it was.
    @discardableResult
    public func renewReservation(_ job: RedisJob) async throws -> Bool {
        let reply = try await redis.evaluate(QueueScripts.renew, keys: [keys(job.queue).reserved],
                                             arguments: [.value(String(now + retryAfter)), .value(job.reserved)])
        return reply.int == 1
    }

    /// Removes a quarantined element once it is recorded as a failed job.
    public func removeQuarantined(_ element: QuarantinedElement) async throws {
        _ = try await redis.send(RedisCommand("LREM", [.key(keys(element.queue).quarantine), .value("1"), .value(element.bytes)]))
    }

    /// Elements left in quarantine by a worker that stopped before recording them.
    public func quarantined(queue: String? = nil) async throws -> [QuarantinedElement] {
        let k = keys(queue)
        let reply = try await redis.send(RedisCommand("LRANGE", [.key(k.quarantine), .value("0"), .value("-1")]))
        return (reply.array ?? []).compactMap { $0.bytes }.map { QuarantinedElement(queue: k.name, bytes: $0) }
    }

    // MARK: Inspecting

    /// Laravel's `size`: ready + delayed + reserved.
    public func size(queue: String? = nil) async throws -> Int {
        let k = keys(queue)
        return try await redis.evaluate(QueueScripts.size, keys: [k.ready, k.delayed, k.reserved], arguments: [RedisArgument]()).int ?? 0
    }

    public func sizes(queue: String? = nil) async throws -> QueueSizes {
        let k = keys(queue)
        let r = try await redis.pipeline([
            RedisCommand("LLEN", [.key(k.ready)]),
            RedisCommand("ZCARD", [.key(k.delayed)]),
            RedisCommand("ZCARD", [.key(k.reserved)]),
        ])
        return QueueSizes(ready: r[0].int ?? 0, delayed: r[1].int ?? 0, reserved: r[2].int ?? 0)
    }

    /// The ready job at `index` (0 = next to run), its exact bytes.
    public func peek(queue: String? = nil, index: Int = 0) async throws -> [UInt8]? {
        try await redis.send(RedisCommand("LINDEX", [.key(keys(queue).ready), .value(String(index))])).bytes
    }

    /// Laravel's `clear`: deletes the four keys, returns how many jobs they held.
    public func clear(queue: String? = nil) async throws -> Int {
        let k = keys(queue)
        return try await redis.evaluate(QueueScripts.clear, keys: [k.ready, k.delayed, k.reserved, k.notify], arguments: [RedisArgument]()).int ?? 0
    }
}

/// A reserved job whose payload the pop script could handle but Shuttle cannot decode.
public struct UndecodableJob: Sendable {
    public let queue: String
    public let rawBody: [UInt8]
    public let reserved: [UInt8]
    public let reason: String

    /// Public so drivers outside the core can report one.
    public init(queue: String, rawBody: [UInt8], reserved: [UInt8], reason: String) {
        self.queue = queue
        self.rawBody = rawBody
        self.reserved = reserved
        self.reason = reason
    }
}
