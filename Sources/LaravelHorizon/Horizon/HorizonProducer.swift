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

/// What `Laravel\Horizon\RedisQueue` adds around a push (spec §8.2, §8.3), for jobs Shuttle dispatches: the
/// payload's Horizon fields (through `Dispatcher`), the pending row before the push and the monitored-tag
/// entries after it — so the dashboard lists them like jobs PHP dispatched.
public struct HorizonProducer: DispatchHook {
    /// The `horizon` connection: the app's default Redis connection with Horizon's prefix (§8.1).
    public let redis: RedisConnection
    /// Write the `later()` delay into the payload, as Horizon builds with PR #1759 do; v5.33.5 writes null.
    public let recordsLaterDelay: Bool
    let records: HorizonRecords
    let logger: Logger
    let now: @Sendable () -> Double

    /// - Parameter now: Unix seconds (`microtime(true)`); tests fix it.
    public init(redis: RedisConnection, trim: HorizonTrim = HorizonTrim(), recordsLaterDelay: Bool = false,
                logger: Logger, now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.redis = redis
        self.recordsLaterDelay = recordsLaterDelay
        self.records = HorizonRecords(trim: trim, recordsReleaseDelay: false)
        self.logger = logger
        self.now = now
    }

    /// The fields `JobPayload::prepare` merges into `job`'s payloads.
    public func options(for job: PendingJob) -> HorizonOptions {
        job.horizonOptions(recordsLaterDelay: recordsLaterDelay)
    }

    /// `JobPending` → `StoreJob`, one pipeline for all `payloads`. Must precede the push: written after it,
    /// a fast worker's `reserved`/`completed` fields could be overwritten by `pending`. Throws so that
    /// nothing is pushed without its row.
    public func storePending(_ payloads: [Payload], connection: String, queue: String) async throws {
        let t = HorizonTimestamp(seconds: now())
        var commands: [RedisCommand] = []
        for payload in payloads {
            guard let id = payload.horizonId else { continue }
            commands += records.pending(id: id, connection: connection, queue: queue, name: payload.displayName ?? "",
                                        payload: payload.rawBytes, at: t)
        }
        guard !commands.isEmpty else { return }
        let replies = try await redis.pipeline(commands)
        if let error = replies.lazy.compactMap(\.errorMessage).first { throw RedisError.server(error) }
    }

    /// `JobPushed` → `StoreMonitoredTags`: each payload tag in `monitoring` gets the job. The jobs are queued
    /// by now, so a failure is logged, not thrown (a caller retrying would push them twice).
    public func storeMonitoredTags(_ payloads: [Payload]) async {
        let tagged = payloads.filter { !($0.tags ?? []).isEmpty }
        guard !tagged.isEmpty else { return }
        do {
            let monitoring = Set(try await redis.send(.smembers("monitoring")).array?.compactMap(\.string) ?? [])
            guard !monitoring.isEmpty else { return }
            let t = HorizonTimestamp(seconds: now())
            var commands: [RedisCommand] = []
            for payload in tagged {
                guard let id = payload.horizonId else { continue }
                commands += records.monitoredTags((payload.tags ?? []).filter(monitoring.contains), id: id, at: t)
            }
            guard !commands.isEmpty else { return }
            let replies = try await redis.pipeline(commands)
            if let error = replies.lazy.compactMap(\.errorMessage).first { throw RedisError.server(error) }
        } catch {
            logger.warning("could not write Horizon's monitored tags", metadata: ["jobs": "\(tagged.count)", "error": "\(error)"])
        }
    }

    public func horizonOptions(for job: PendingJob) -> HorizonOptions? { options(for: job) }

    public func willPush(_ payloads: [Payload], connection: String, queue: String) async throws {
        try await storePending(payloads, connection: connection, queue: queue)
    }

    public func didPush(_ payloads: [Payload]) async { await storeMonitoredTags(payloads) }
}
