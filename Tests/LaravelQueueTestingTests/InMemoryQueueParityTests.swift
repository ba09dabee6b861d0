import Foundation
import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import Redis
import TestSupport
import XCTest

/// The same operations on `RedisQueue` (the test Redis, under a key prefix of its own) and on `InMemoryQueue`
/// leave the same queues: sizes, job order, attempts, scores and notify tokens after every step.
///
/// Reserved copies differ in bytes (cjson's against Shuttle's writer), so the views compare jobs by which job
/// and attempts. Redis orders members of equal score by those bytes, so the views list equal scores by job,
/// and the sequence never migrates or re-pops two reserved copies of equal score, where their order would show.
final class InMemoryQueueParityTests: XCTestCase {
    /// One observable fact after a step, as text so a mismatch reads well.
    struct Observation: Equatable, CustomStringConvertible {
        let step: String
        let value: String
        var description: String { "\(step): \(value)" }
    }

    /// What the sequence needs besides the driver: a view of the keys, and a foreign producer's RPUSH.
    struct Subject {
        let queue: any QueueDriver
        let clock: TestClock
        let list: (String) async throws -> [[UInt8]]
        let zset: (String) async throws -> [(member: [UInt8], score: Int)]
        let tokens: (String) async throws -> Int
        let appendUnchecked: ([UInt8], String) async throws -> Void
    }

    static let start = 1_800_000_000
    static let retryAfter = 60

    func testRedisAndInMemoryQueuesAgreeStepByStep() async throws {
        for batchSize in [-1, 1] {
            let payloads = try (1...7).map { try InMemoryWorkerBed.payload(value: $0) }
            let redis = try await redisObservations(payloads, migrationBatchSize: batchSize)
            let memory = try await memoryObservations(payloads, migrationBatchSize: batchSize)
            XCTAssertEqual(redis.count, memory.count)
            XCTAssertGreaterThan(redis.count, 20)
            if let difference = zip(redis, memory).first(where: { $0.0 != $0.1 }) {
                XCTFail("migration batch size \(batchSize), first difference: Redis \(difference.0), in memory \(difference.1)")
            }
        }
    }

    private func memoryObservations(_ payloads: [Payload], migrationBatchSize: Int) async throws -> [Observation] {
        let clock = TestClock(Self.start)
        let queue = InMemoryQueue(retryAfter: Self.retryAfter, migrationBatchSize: migrationBatchSize, clock: { clock.now })
        return try await Self.run(Subject(
            queue: queue, clock: clock,
            list: { queue.ready(queue: $0) },
            zset: { name in
                let (set, queueName) = name.hasSuffix(":delayed") ? ("delayed", String(name.dropLast(8))) : ("reserved", String(name.dropLast(9)))
                return set == "delayed" ? queue.delayed(queue: queueName) : queue.reserved(queue: queueName)
            },
            tokens: { queue.notifyTokens(queue: $0) },
            appendUnchecked: { queue.appendUnchecked($0, queue: $1) }), payloads)
    }

    private func redisObservations(_ payloads: [Payload], migrationBatchSize: Int) async throws -> [Observation] {
        let prefix = "parity-\(UUID().uuidString.prefix(8)):"
        let redis = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), keyPrefix: prefix))
        defer { redis.close() }
        let clock = TestClock(Self.start)
        let queue = RedisQueue(redis: redis, retryAfter: Self.retryAfter, migrationBatchSize: migrationBatchSize, clock: { clock.now })
        let observations = try await Self.run(Subject(
            queue: queue, clock: clock,
            list: { try await redis.send(RedisCommand("LRANGE", [.key("queues:\($0)"), "0", "-1"])).array?.compactMap(\.bytes) ?? [] },
            zset: { name in
                let items = try await redis.send(RedisCommand("ZRANGE", [.key("queues:\(name)"), "0", "-1", "WITHSCORES"])).array ?? []
                return stride(from: 0, to: items.count - 1, by: 2).map { (items[$0].bytes ?? [], Int(items[$0 + 1].string ?? "") ?? Int.min) }
            },
            tokens: { try await redis.send(RedisCommand("LLEN", [.key("queues:\($0):notify")])).int ?? -1 },
            appendUnchecked: { _ = try await redis.send(RedisCommand("RPUSH", [.key("queues:\($1)"), .value($0)])) }), payloads)
        let script = "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        _ = try await redis.send(RedisCommand("EVAL", [.value(script), "0", .value(prefix + "*")]))
        return observations
    }

    // MARK: The sequence

    /// A job as both drivers must agree on it: which one (`value`), its attempts, and its score when in a set.
    private static func describe(_ bytes: [UInt8], score: Int? = nil) -> String {
        let payload = try? Payload(bytes: bytes)
        let value = payload.flatMap { p -> String? in
            guard case .string(let command)? = p.data?["command"] else { return nil }
            return String(decoding: command, as: UTF8.self).firstMatch(of: /"value";i:(\d+)/).map { "j" + $0.1 }
        } ?? String(decoding: bytes, as: UTF8.self)
        let attempts = payload?.attempts.map { "a\($0)" } ?? "a?"
        return [value, attempts, score.map { "@\($0 - start)" }].compactMap { $0 }.joined(separator: " ")
    }

    private static func run(_ s: Subject, _ p: [Payload]) async throws -> [Observation] {
        var observations: [Observation] = []
        func observe(_ step: String, queues: [String] = ["default", "other"]) async throws {
            for name in queues {
                let sizes = try await s.queue.sizes(queue: name)
                observations.append(Observation(step: "\(step) \(name) sizes", value: "\(sizes.ready)/\(sizes.delayed)/\(sizes.reserved)"))
                let ready = try await s.list(name).map { describe($0) }
                observations.append(Observation(step: "\(step) \(name) ready", value: ready.joined(separator: ", ")))
                for set in ["delayed", "reserved"] {
                    let members = try await s.zset("\(name):\(set)").map { (score: $0.score, text: describe($0.member, score: $0.score)) }
                        .sorted { ($0.score, $0.text) < ($1.score, $1.text) }.map(\.text)
                    observations.append(Observation(step: "\(step) \(name) \(set)", value: members.joined(separator: ", ")))
                }
                observations.append(Observation(step: "\(step) \(name) tokens", value: String(try await s.tokens(name))))
            }
        }
        func record(_ step: String, _ result: PopResult) {
            observations.append(Observation(step: "\(step) popped", value: result.jobs.map {
                describe($0.rawBody) + " -> " + describe($0.reserved) + " attempts() \($0.attempts)"
            }.joined(separator: ", ")))
            observations.append(Observation(step: "\(step) quarantined", value: result.quarantined.map { describe($0.bytes) }.joined(separator: ", ")))
        }
        let q = s.queue

        try await q.bulk([p[0], p[1], p[2]], queue: nil)
        try await q.push(p[3], queue: "other")
        try await q.later(p[4], availableAt: start + 20, queue: nil)
        try await q.later(p[5], availableAt: start + 5, queue: nil)
        try await observe("produce")

        let first = try await q.pop(queue: nil, count: 2)
        record("pop 2", first)
        try await observe("pop 2")
        try await q.release(first.jobs[0], delay: 3)
        try await q.delete(first.jobs[1])
        try await observe("release and delete")

        try await q.push(p[6], queue: nil)  // behind the third: a hand-back home must go before it
        let third = try await q.pop(queue: nil, count: 1).jobs[0]
        let handedHome = try await q.handBack(third, to: nil)
        observations.append(Observation(step: "hand back home", value: "\(handedHome)"))
        try await observe("hand back home")
        let again = try await q.pop(queue: nil, count: 1)
        record("pop handed back", again)
        let handedAway = try await q.handBack(again.jobs[0], to: "other")
        let handedTwice = try await q.handBack(again.jobs[0], to: "other")
        observations.append(Observation(step: "hand back to other", value: "\(handedAway) then \(handedTwice)"))
        try await observe("hand back to other")
        let seventh = try await q.pop(queue: nil, count: 1)
        record("pop seventh", seventh)
        try await q.delete(seventh.jobs)
        try await observe("delete seventh")

        s.clock.advance(5)
        let migrated = try await q.migrateJobs(queue: nil)
        observations.append(Observation(step: "migrate due", value: migrated.map { describe($0) }.joined(separator: ", ")))
        try await observe("migrate due")

        let released = try await q.pop(queue: nil, count: 1)
        record("pop released", released)
        s.clock.advance(1)
        let next = try await q.pop(queue: nil, count: 1)
        record("pop next", next)
        s.clock.advance(2)
        for job in released.jobs + next.jobs {
            let renewed = try await q.renewReservation(job)
            observations.append(Observation(step: "renew", value: "\(renewed)"))
            s.clock.advance(1)  // distinct expiries: their migration order must not hang on their bytes
        }
        try await observe("renew")

        s.clock.advance(retryAfter + 12)
        let expired = try await q.migrateJobs(queue: nil)
        observations.append(Observation(step: "migrate expired", value: expired.map { describe($0) }.joined(separator: ", ")))
        try await observe("migrate expired")

        try await s.appendUnchecked(Array("not a job".utf8), "default")
        let rest = try await q.pop(queue: nil, count: 10)
        record("pop rest", rest)
        let quarantine = try await q.quarantined(queue: nil)
        observations.append(Observation(step: "quarantine", value: quarantine.map { describe($0.bytes) + " " + $0.reason }.joined(separator: ", ")))
        for element in quarantine { try await q.removeQuarantined(element) }
        let cleared = try await q.quarantined(queue: nil)
        observations.append(Observation(step: "quarantine cleared", value: "\(cleared.count)"))
        try await observe("pop rest")

        let gone = released.jobs + next.jobs
        for (n, job) in rest.jobs.enumerated() { try await q.release(job, delay: n + 1) }
        for job in gone {
            let renewed = try await q.renewReservation(job)
            let handed = try await q.handBack(job, to: nil)
            observations.append(Observation(step: "stale reservation", value: "renew \(renewed) hand back \(handed)"))
        }
        try await observe("release rest")

        let woke = try await q.waitForNotification(queue: "other", timeout: 1)
        let wokeEmpty = try await q.waitForNotification(queue: "empty", timeout: 0.1)
        observations.append(Observation(step: "wait", value: "other \(woke), empty \(wokeEmpty)"))
        try await observe("wait", queues: ["other"])
        return observations
    }
}
