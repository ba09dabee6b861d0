#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Redis
import LaravelQueue
import PHPFormats
import PHPSerialization

/// Keeps Horizon's per-job records (spec §8.3, §8.4) for the jobs Shuttle works, so the dashboard shows them
/// reserved, then completed or failed, instead of leaving the row PHP wrote at push "pending" forever.
///
/// Writes only what a PHP worker's Horizon listeners write — never supervisors, snapshots, trimming or the
/// `monitoring` set (§8.5). A Redis error is logged and the job goes on: these records are a view, not state.
public struct HorizonMiddleware: JobMiddleware {
    /// The `horizon` connection: the app's default Redis connection with Horizon's prefix (§8.1).
    public let redis: RedisConnection
    let records: HorizonRecords
    let logger: Logger
    let now: @Sendable () -> Double
    let stopwatch = HorizonStopwatch()

    /// - Parameters:
    ///   - recordsReleaseDelay: write the `delay` field on release, as Horizon builds with PR #1721 (2026)
    ///     do; off by default because v5.33.5's dashboard does not read it.
    ///   - now: Unix seconds (`microtime(true)`); tests fix it.
    public init(redis: RedisConnection, trim: HorizonTrim = HorizonTrim(), recordsReleaseDelay: Bool = false,
                logger: Logger, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.redis = redis
        self.records = HorizonRecords(trim: trim, recordsReleaseDelay: recordsReleaseDelay)
        self.logger = logger
        self.now = now
    }

    public func jobEvent(_ event: JobEvent) async {
        switch event {
        case .reserved(let job):
            guard let id = job.payload.horizonId else { return }
            let t = timestamp()
            stopwatch.start(id, at: t.seconds)
            await send(records.reserved(id: id, payload: job.reserved, at: t), "reserved", id)
        case .released(let job, let delay):
            guard let id = job.payload.horizonId else { return }
            await send(records.released(id: id, payload: job.reserved, delay: delay, at: timestamp()), "released", id)
        case .deleted(let job):
            await completed(job)
        case .failed(let job, let exception):
            await failed(job, exception: exception)
        case .handedBack(let job, _):
            // Only a job this worker marked reserved needs putting back; the list holds its original bytes.
            guard let id = job.payload.horizonId, stopwatch.forget(id) else { return }
            await send(records.released(id: id, payload: job.rawBody, delay: nil, at: timestamp()), "handed back", id)
        case .migrated(_, let payloads):
            // Horizon's `JobsMigrated` listener: each moved job is pending again, with the bytes now listed.
            let t = timestamp()
            var commands: [RedisCommand] = []
            for bytes in payloads {
                guard let id = (try? Payload(bytes: bytes))?.horizonId else { continue }
                commands += records.released(id: id, payload: bytes, delay: 0, at: t)  // PR #1721 builds record delay 0 on migration
            }
            if !commands.isEmpty { await send(commands, "migrated", "\(payloads.count) jobs") }
        case .processed, .rejected, .routed, .renewed:
            return
        }
    }

    /// `JobDeleted` on success: the completed row, the monitored row when a tag is watched, then metrics.
    private func completed(_ job: RedisJob) async {
        guard let id = job.payload.horizonId else { return }
        await updateParentRetry(of: job, id: id, status: "completed")
        let t = timestamp()
        let tags = job.payload.tags ?? []
        var commands = records.completed(id: id, silenced: job.payload.silenced ?? false, at: t)
        if !tags.isEmpty { commands.append(.smembers("monitoring")) }
        guard let replies = await send(commands, "completed", id) else { return }

        let monitoring = Set(replies.last?.array?.compactMap(\.string) ?? [])
        var next: [RedisCommand] = []
        if !tags.isEmpty, tags.contains(where: monitoring.contains) {
            next += records.monitored(job, id: id, at: t)
        }
        let runtime = stopwatch.stop(id, at: t.seconds) ?? 0
        next += records.metrics(queue: job.queue, name: job.payload.displayName ?? "",
                                runtime: PayloadIdentity.phpFloatString(runtime))
        await send(next, "metrics", id)
    }

    /// `JobDeleted` inside a failure (no monitored row, no metrics), then `JobFailed`: the failed row and
    /// the `failed:<tag>` sets. The failed row comes last, so the hash ends `failed`.
    private func failed(_ job: RedisJob, exception: String) async {
        guard let id = job.payload.horizonId else { return }
        _ = stopwatch.forget(id)
        await updateParentRetry(of: job, id: id, status: "failed")
        await send(records.completed(id: id, silenced: job.payload.silenced ?? false, at: timestamp()), "completed", id)
        let t = timestamp()
        await send(records.failed(job, id: id, exception: exception, at: t), "failed", id)
        let tags = job.payload.tags ?? []
        if !tags.isEmpty { await send(records.failedTags(tags, id: id, at: t), "failed tags", id) }
    }

    /// A dashboard retry (`retry_of`) reports its outcome in the parent's `retried_by` list.
    private func updateParentRetry(of job: RedisJob, id: String, status: String) async {
        guard let parent = job.payload.retryOf else { return }
        do {
            guard let text = try await redis.send(.hget(parent, "retried_by")).bytes, !text.isEmpty,
                  let updated = HorizonRetriedBy.settingStatus(status, of: id, in: text) else { return }
            _ = try await redis.send(.hset(parent, "retried_by", updated))
        } catch {
            logger.warning("could not update Horizon's retry record", metadata: ["uuid": "\(id)", "parent": "\(parent)", "error": "\(error)"])
        }
    }

    private func timestamp() -> HorizonTimestamp { HorizonTimestamp(seconds: now()) }

    @discardableResult
    private func send(_ commands: [RedisCommand], _ row: String, _ id: String) async -> [RESPValue]? {
        if commands.isEmpty { return [] }
        do {
            let replies = try await redis.pipeline(commands)
            if let error = replies.lazy.compactMap(\.errorMessage).first {
                logger.warning("Horizon record partly written", metadata: ["row": "\(row)", "uuid": "\(id)", "error": "\(error)"])
            }
            return replies
        } catch {
            logger.warning("could not write Horizon record", metadata: ["row": "\(row)", "uuid": "\(id)", "error": "\(error)"])
            return nil
        }
    }
}
