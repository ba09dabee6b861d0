#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization
import Redis
import LaravelQueue

/// `Shuttle\Jobs\Probe`: a job both runtimes implement the same way (the PHP harness defines the class),
/// for smoke-testing a deployment and as the benchmark's no-op job.
///
/// Properties: `sleep` (seconds), `failAttempts` (throw on attempts ≤ this), `record` (a Redis list key,
/// prefixed like every key: each run appends a `started` entry and, unless cut short, an end entry, so every
/// run can be verified from outside). The format is the PHP harness's (scripts/laravel/README.md).
public struct ProbeJob: JobHandler {
    public static let phpClass = "Shuttle\\Jobs\\Probe"

    /// Where `record` lists live; nil on a queue without Redis, where a probe asked to record fails.
    let redis: RedisConnection?
    /// `shuttle:<--name>`, as PHP writes `php:<--name>`.
    let workerName: String

    public init(redis: RedisConnection?, workerName: String) {
        self.redis = redis
        self.workerName = workerName
    }

    public func handle(_ context: JobContext) async throws {
        let sleep = context.property("sleep")?.doubleValue ?? 0
        let failAttempts = context.property("failAttempts")?.intValue ?? 0
        let record = context.property("record")?.stringValue
        var entry = record.map { _ in ProbeRecord(uuid: context.job.uuid ?? "", attempt: context.attempts,  // recording only
            worker: workerName, outcome: "started", started: Date().timeIntervalSince1970, ended: nil) }
        if let record, let entry { try await append(entry, to: record) }
        if sleep > 0 { try await Task.sleep(for: .milliseconds(Int(sleep * 1000))) }
        let fails = context.attempts <= failAttempts
        entry?.outcome = fails ? "exception" : "ok"
        entry?.ended = Date().timeIntervalSince1970
        if let record, let entry { try await append(entry, to: record) }
        if fails { throw JobException("RuntimeException", "Probe failed on attempt \(context.attempts)") }
    }

    private func append(_ entry: ProbeRecord, to key: String) async throws {
        guard let redis else { throw JobException("RuntimeException", "Probe cannot record to \(key) without a Redis connection") }
        _ = try await redis.send(RedisCommand("RPUSH", [.key(key), .value(entry.json)]))
    }
}
