import Redis
import LaravelQueue
import PHPFormats
import PHPSerialization

/// The Redis writes of Horizon's per-job rows (spec §8.3), as command lists: each row goes out as one
/// pipeline on the Horizon connection, whose key prefix the connection applies.
struct HorizonRecords: Sendable {
    let trim: HorizonTrim
    /// Also write the `delay` field on release, as Horizon builds with PR #1721 do.
    let recordsReleaseDelay: Bool

    /// `pending` (`StoreJob`), written by a producer before the queue push (PR #1682's order): listed as
    /// recent and pending, the hash with the pushed payload, kept `pending` minutes.
    func pending(id: String, connection: String, queue: String, name: String, payload: [UInt8], at t: HorizonTimestamp) -> [RedisCommand] {
        [
            Self.listAdd("recent_jobs", id: id, at: t),
            Self.listAdd("pending_jobs", id: id, at: t),
            Self.hmset(id, [("id", bytes(id)), ("connection", bytes(connection)), ("queue", bytes(queue)),
                            ("name", bytes(name)), ("status", bytes("pending")), ("payload", payload),
                            ("created_at", bytes(t.text)), ("updated_at", bytes(t.text))]),
            .expireat(id, timestamp: t.adding(minutes: trim.pending)),
        ]
    }

    /// `StoreMonitoredTags` after the push: the job under each monitored tag, scored by `T` (positive).
    func monitoredTags(_ tags: [String], id: String, at t: HorizonTimestamp) -> [RedisCommand] {
        tags.map { RedisCommand("ZADD", [.key($0), .value(t.text), .value(id)]) }
    }

    /// `reserved`: the job is running; its payload becomes the reserved bytes (attempts + 1).
    func reserved(id: String, payload: [UInt8], at t: HorizonTimestamp) -> [RedisCommand] {
        [Self.hmset(id, [("status", bytes("reserved")), ("payload", payload),
                         ("updated_at", bytes(t.text)), ("reserved_at", bytes(t.text))])]
    }

    /// `released` (and a hand-back): back to pending with the bytes now in Redis.
    func released(id: String, payload: [UInt8], delay: Int?, at t: HorizonTimestamp) -> [RedisCommand] {
        var fields: [(String, [UInt8])] = [("status", bytes("pending")), ("payload", payload), ("updated_at", bytes(t.text))]
        if recordsReleaseDelay, let delay { fields.append(("delay", bytes(String(delay)))) }
        return [Self.hmset(id, fields)]
    }

    /// `deleted`, on success and inside a failure: listed as completed (or silenced), off the pending list.
    func completed(id: String, silenced: Bool, at t: HorizonTimestamp) -> [RedisCommand] {
        [
            Self.listAdd(silenced ? "silenced_jobs" : "completed_jobs", id: id, at: t),
            .zrem("pending_jobs", id),
            Self.hmset(id, [("status", bytes("completed")), ("completed_at", bytes(t.text))]),
            .expireat(id, timestamp: t.adding(minutes: trim.completed)),
        ]
    }

    /// A successful job with a monitored tag is kept longer and listed under `monitored_jobs`.
    func monitored(_ job: RedisJob, id: String, at t: HorizonTimestamp) -> [RedisCommand] {
        [
            Self.listAdd("monitored_jobs", id: id, at: t),
            Self.hmset(id, [("id", bytes(id)), ("connection", bytes(job.connectionName)), ("queue", bytes(job.queue)),
                            ("name", bytes(job.payload.displayName ?? "")), ("status", bytes("completed")),
                            ("payload", job.reserved), ("completed_at", bytes(t.text))]),
            .expireat(id, timestamp: t.adding(minutes: trim.monitored)),
        ]
    }

    /// `failed` (after the completed row): listed as failed with the exception text.
    /// `context` is the exception's `context()` JSON in PHP; Shuttle's exceptions have none, so empty.
    func failed(_ job: RedisJob, id: String, exception: String, at t: HorizonTimestamp) -> [RedisCommand] {
        [
            Self.listAdd("failed_jobs", id: id, at: t),
            Self.listAdd("recent_failed_jobs", id: id, at: t),
            .zrem("pending_jobs", id),
            .zrem("completed_jobs", id),
            .zrem("silenced_jobs", id),
            Self.hmset(id, [("id", bytes(id)), ("connection", bytes(job.connectionName)), ("queue", bytes(job.queue)),
                            ("name", bytes(job.payload.displayName ?? "")), ("status", bytes("failed")),
                            ("payload", job.reserved), ("exception", bytes(exception)), ("context", []),
                            ("failed_at", bytes(t.text))]),
            .expireat(id, timestamp: t.adding(minutes: trim.failed)),
        ]
    }

    /// `failed:<tag>` for every tag, monitored or not, scored by `T` (positive).
    func failedTags(_ tags: [String], id: String, at t: HorizonTimestamp) -> [RedisCommand] {
        tags.flatMap { tag -> [RedisCommand] in
            let key = "failed:" + tag
            return [RedisCommand("ZADD", [.key(key), .value(t.text), .value(id)]), .expire(key, seconds: trim.failed * 60)]
        }
    }

    /// The two `updateMetrics` calls, queue first; `runtime` is the milliseconds string.
    func metrics(queue: String, name: String, runtime: String) -> [RedisCommand] {
        [
            .evalsha(HorizonScripts.updateMetrics, keys: ["queue:" + queue, "measured_queues"], arguments: [.value(runtime)]),
            .evalsha(HorizonScripts.updateMetrics, keys: ["job:" + name, "measured_jobs"], arguments: [.value(runtime)]),
        ]
    }

    /// Horizon (through phpredis) sends HMSET, not a multi-field HSET.
    static func hmset(_ key: String, _ fields: [(String, [UInt8])]) -> RedisCommand {
        var args: [RedisArgument] = [.key(key)]
        for (field, value) in fields { args += [.value(field), .value(value)] }
        return RedisCommand("HMSET", args)
    }

    /// `storeJobReference`: newest first, so the score is `-T`, written as PHP prints it.
    static func listAdd(_ key: String, id: String, at t: HorizonTimestamp) -> RedisCommand {
        RedisCommand("ZADD", [.key(key), .value(t.negatedText), .value(id)])
    }

    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
}
