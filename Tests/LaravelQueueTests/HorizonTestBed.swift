import Database
import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import Logging
import Redis
import Synchronization
import TestSupport
import XCTest

/// One Horizon test's corner of the test Redis: queue keys under a scratch prefix, Horizon's keys under
/// `<scratch prefix>horizon:` on a connection of their own (as Horizon's `horizon` connection), a wall
/// clock the test sets, and readers of the stored keys by full name.
struct HorizonTestBed {
    let scratch: RedisQueueScratch
    let horizonPrefix: String
    /// Prefixed with `horizonPrefix`, like Horizon's connection.
    let horizonRedis: RedisConnection
    let clock = WallClock()

    static func make() async throws -> HorizonTestBed {
        let scratch = try await RedisQueueScratch.make()
        let horizonPrefix = scratch.prefix + "horizon:"
        let horizonRedis = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: scratch.port, keyPrefix: horizonPrefix))
        return HorizonTestBed(scratch: scratch, horizonPrefix: horizonPrefix, horizonRedis: horizonRedis)
    }

    func cleanup() async {
        horizonRedis.close()
        await scratch.cleanup()
    }

    var raw: RedisConnection { scratch.raw }

    func middleware(trim: HorizonTrim = HorizonTrim(), recordsReleaseDelay: Bool = false, fixedClock: Bool = true) -> HorizonMiddleware {
        let clock = self.clock
        let now: @Sendable () -> Double
        if fixedClock { now = { clock.now } } else { now = { Date().timeIntervalSince1970 } }
        return HorizonMiddleware(redis: horizonRedis, trim: trim, recordsReleaseDelay: recordsReleaseDelay,
                                 logger: WorkerTestBed.logger, now: now)
    }

    // MARK: Jobs

    /// A Horizon-shaped payload of `fixtures/queue/` (edited), as PHP pushed it.
    static func payload(_ fixture: String, edit: (String) -> String = { $0 }) throws -> [UInt8] {
        let text = String(decoding: try TestEnvironment.fixture("queue/\(fixture).payload.json"), as: UTF8.self)
        return Array(edit(text.trimmingCharacters(in: .newlines)).utf8)
    }

    /// `payload(fixture)` pushed to `queue` and reserved by a real pop.
    func pushAndPop(_ fixture: String, queue: String = "pull", edit: (String) -> String = { $0 }) async throws -> RedisJob {
        let q = scratch.queue()
        try await q.pushRaw(try Self.payload(fixture, edit: edit), queue: queue)
        let popped = try await q.pop(queue: queue)
        return try XCTUnwrap(popped.jobs.first)
    }

    /// The pending row Horizon's `StoreJob` writes at push (spec §8.3), as a PHP producer leaves it.
    func writePendingRow(for job: RedisJob, at t: HorizonTimestamp) async throws {
        let id = try XCTUnwrap(job.payload.horizonId)
        _ = try await horizonRedis.pipeline([
            RedisCommand("ZADD", [.key("recent_jobs"), .value(t.negatedText), .value(id)]),
            RedisCommand("ZADD", [.key("pending_jobs"), .value(t.negatedText), .value(id)]),
            .hset(id, fields: [("id", Array(id.utf8)), ("connection", Array("redis".utf8)), ("queue", Array(job.queue.utf8)),
                               ("name", Array((job.payload.displayName ?? "").utf8)), ("status", Array("pending".utf8)),
                               ("payload", job.rawBody), ("created_at", Array(t.text.utf8)), ("updated_at", Array(t.text.utf8))]),
            .expireat(id, timestamp: t.adding(minutes: 60)),
        ])
    }

    // MARK: Reading Horizon's keys as stored

    func hash(_ key: String) async throws -> [String: String] {
        let items = try await raw.send(.hgetall(horizonPrefix + key)).array ?? []
        var result: [String: String] = [:]
        for i in stride(from: 0, to: items.count - 1, by: 2) {
            result[items[i].string ?? ""] = items[i + 1].bytes.map { String(decoding: $0, as: UTF8.self) }
        }
        return result
    }

    func hashBytes(_ key: String, _ field: String) async throws -> [UInt8]? {
        try await raw.send(.hget(horizonPrefix + key, field)).bytes
    }

    /// Members of a sorted set with their scores as Redis prints them.
    func zset(_ key: String) async throws -> [String: String] {
        let items = try await raw.send(.zrange(horizonPrefix + key, 0, -1, withScores: true)).array ?? []
        var result: [String: String] = [:]
        for i in stride(from: 0, to: items.count - 1, by: 2) { result[items[i].string ?? ""] = items[i + 1].string }
        return result
    }

    func set(_ key: String) async throws -> Set<String> {
        Set(try await raw.send(.smembers(horizonPrefix + key)).array?.compactMap(\.string) ?? [])
    }

    /// EXPIRETIME (Redis 7): the absolute Unix second a key expires at; -1 without expiry, -2 when absent.
    func expireTime(_ key: String) async throws -> Int {
        try await raw.send(RedisCommand("EXPIRETIME", [.value(horizonPrefix + key)])).int ?? -3
    }

    func ttl(_ key: String) async throws -> Int { try await raw.send(.ttl(horizonPrefix + key)).int ?? -3 }

    /// Every key under Horizon's prefix, without the prefix.
    func horizonKeys() async throws -> Set<String> {
        let keys = try await raw.send(.keys(pattern: horizonPrefix + "*")).array?.compactMap(\.string) ?? []
        return Set(keys.map { String($0.dropFirst(horizonPrefix.count)) })
    }
}

/// `microtime(true)` under the test's control; starts at the current second plus an exact binary fraction.
final class WallClock: Sendable {
    private let value = Mutex<Double>(Double(Int(Date().timeIntervalSince1970)) + 0.3125)
    var now: Double { value.withLock { $0 } }
    func advance(_ seconds: Double) { value.withLock { $0 += seconds } }
    var timestamp: HorizonTimestamp { HorizonTimestamp(seconds: now) }
}
