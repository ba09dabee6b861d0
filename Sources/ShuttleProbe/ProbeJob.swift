#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization
import Redis
import LaravelQueue
import PHPFormats

/// `Shuttle\Jobs\Probe`: a job both runtimes implement the same way (the PHP harness defines the class),
/// for smoke-testing a deployment and as the benchmark's no-op job.
///
/// Properties: `sleep` (seconds), `failAttempts` (throw on attempts ≤ this), `record` (a Redis list key,
/// prefixed like every key: each run appends a `started` entry and, unless cut short, an end entry, so every
/// run can be verified from outside). The format is the PHP harness's (scripts/laravel/README.md).
public struct ProbeJob: JobHandler {
    public static let phpClass = "Shuttle\\Jobs\\Probe"

    let redis: RedisConnection
    /// `shuttle:<--name>`, as PHP writes `php:<--name>`.
    let workerName: String

    public init(redis: RedisConnection, workerName: String) {
        self.redis = redis
        self.workerName = workerName
    }

    public func handle(_ context: JobContext) async throws {
        let sleep = context.property("sleep")?.doubleValue ?? 0
        let failAttempts = context.property("failAttempts")?.intValue ?? 0
        let record = context.property("record")?.stringValue
        var entry = ProbeRecord(uuid: context.job.uuid ?? "", attempt: context.attempts, worker: workerName,
                                outcome: "started", started: Date().timeIntervalSince1970, ended: nil)
        if let record { try await append(entry, to: record) }
        if sleep > 0 { try await Task.sleep(for: .milliseconds(Int(sleep * 1000))) }
        let fails = context.attempts <= failAttempts
        entry.outcome = fails ? "exception" : "ok"
        entry.ended = Date().timeIntervalSince1970
        if let record { try await append(entry, to: record) }
        if fails { throw JobException("RuntimeException", "Probe failed on attempt \(context.attempts)") }
    }

    private func append(_ entry: ProbeRecord, to key: String) async throws {
        _ = try await redis.send(RedisCommand("RPUSH", [.key(key), .value(entry.json)]))
    }
}

/// One entry of a probe's record list: compact JSON, keys in this order (the PHP harness writes the same).
struct ProbeRecord: Sendable {
    var uuid: String
    var attempt: Int
    var worker: String
    var outcome: String
    var started: Double
    var ended: Double?

    var json: [UInt8] {
        func quoted(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                if scalar == "\\" || scalar == "\"" { out.unicodeScalars.append("\\") }
                out.unicodeScalars.append(scalar)
            }
            return out + "\""
        }
        let ended = self.ended.map { CFormat.string("%.6f", $0) } ?? "null"
        return Array("{\"uuid\":\(quoted(uuid)),\"attempt\":\(attempt),\"worker\":\(quoted(worker)),\"outcome\":\(quoted(outcome)),\"started\":\(CFormat.string("%.6f", started)),\"ended\":\(ended)}".utf8)
    }
}
