import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import PHPSerialization
import Redis
import TestSupport
import XCTest

/// One test's private corner of the test Redis: a unique key prefix, queues on it, a second, unprefixed
/// connection to see the keys exactly as stored, and cleanup of everything under the prefix.
struct RedisQueueScratch {
    let prefix: String
    let database: Int
    let port: Int
    /// Prefixed like the queue's own connection (phpredis `OPT_PREFIX`).
    let redis: RedisConnection
    /// No prefix: reads and writes full key names.
    let raw: RedisConnection

    static func make(database: Int = 0) async throws -> RedisQueueScratch {
        let port = try TestEnvironment.redisPort()
        let prefix = "rq_\(UUID().uuidString.prefix(8).lowercased())_"
        let redis = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: port, database: database, keyPrefix: prefix))
        let raw = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: port, database: database))
        return RedisQueueScratch(prefix: prefix, database: database, port: port, redis: redis, raw: raw)
    }

    func queue(retryAfter: Int = 90, migrationBatchSize: Int = -1, laterUsesScript: Bool = false,
               clock: TestClock? = nil) -> RedisQueue {
        if let clock {
            return RedisQueue(redis: redis, retryAfter: retryAfter, migrationBatchSize: migrationBatchSize,
                              laterUsesScript: laterUsesScript, clock: { clock.now })
        }
        return RedisQueue(redis: redis, retryAfter: retryAfter, migrationBatchSize: migrationBatchSize,
                          laterUsesScript: laterUsesScript)
    }

    /// Deletes every key under the prefix.
    func cleanup() async {
        let script = "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        _ = try? await raw.send(RedisCommand("EVAL", [.value(script), .value("0"), .value(prefix + "*")]))
        redis.close()
        raw.close()
    }

    // MARK: Reading keys as stored

    func list(_ key: String) async throws -> [[UInt8]] {
        try await raw.send(.lrange(prefix + key, 0, -1)).array?.compactMap(\.bytes) ?? []
    }

    func zset(_ key: String) async throws -> [(member: [UInt8], score: Int)] {
        let reply = try await raw.send(.zrange(prefix + key, 0, -1, withScores: true)).array ?? []
        return stride(from: 0, to: reply.count - 1, by: 2).map { i in
            (reply[i].bytes ?? [], Int(reply[i + 1].string ?? "") ?? Int.min)
        }
    }

    func llen(_ key: String) async throws -> Int { try await raw.send(.llen(prefix + key)).int ?? -1 }
    func zcard(_ key: String) async throws -> Int { try await raw.send(.zcard(prefix + key)).int ?? -1 }

    /// Puts bytes on the ready list without any validation, as a foreign producer could.
    func rpushRaw(_ key: String, _ values: [[UInt8]]) async throws {
        _ = try await raw.send(RedisCommand("RPUSH", [.key(prefix + key)] + values.map { .value($0) }))
    }

    // MARK: Laravel 8 in PHP

    /// Environment for scripts/laravel's bootstrap pointing at this scratch space.
    func phpEnvironment(retryAfter: Int = 90) throws -> [String: String] {
        [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(port), "REDIS_DB": String(database),
            "REDIS_PREFIX": prefix, "REDIS_QUEUE_RETRY_AFTER": String(retryAfter), "QUEUE_CONNECTION": "redis",
        ]
    }

    /// Laravel's own `RedisQueue::pop` (migrations included): the popped job's raw body and reserved bytes.
    func phpPop(queue: String, retryAfter: Int = 90) throws -> (raw: [UInt8], reserved: [UInt8])? {
        let code = #"""
            $app = require getenv('SHUTTLE_BOOTSTRAP');
            $job = $app['queue']->connection('redis')->pop(getenv('SHUTTLE_QUEUE'));
            echo json_encode($job === null ? null : [base64_encode($job->getRawBody()), base64_encode($job->getReservedJob())]);
            """#
        var environment = try phpEnvironment(retryAfter: retryAfter)
        environment["SHUTTLE_BOOTSTRAP"] = Self.bootstrap
        environment["SHUTTLE_QUEUE"] = queue
        let result = try ProcessRunner.phpCode(code, environment: environment)
        let decoded = try JSONSerialization.jsonObject(with: Data(result.stdout), options: [.fragmentsAllowed])
        guard let pair = decoded as? [String], pair.count == 2,
              let raw = Data(base64Encoded: pair[0]), let reserved = Data(base64Encoded: pair[1]) else { return nil }
        return ([UInt8](raw), [UInt8](reserved))
    }

    static let bootstrap = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel/bootstrap.php").path
}

/// Payloads as Laravel 8 pushes them for the harness's `Shuttle\Jobs\Probe` (scripts/laravel/README.md).
enum ProbePayload {
    static func job(sleep: Double = 0, failAttempts: Int = 0, record: String? = nil, tries: Int? = nil,
                    timeout: Int? = nil) -> JobClass {
        JobClass("Shuttle\\Jobs\\Probe", properties: [
            JobProperty("sleep", .public, .double(sleep), default: .double(0)),
            JobProperty("failAttempts", .public, .int(failAttempts), default: .int(0)),
            JobProperty("record", .public, record.map { PHPValue.string($0) } ?? .null, default: .null),
            JobProperty("tries", .public, tries.map(PHPValue.int) ?? .null, default: .null),
            JobProperty("backoff", .public, .null, default: .null),
            JobProperty("timeout", .public, timeout.map(PHPValue.int) ?? .null, default: .null),
            JobProperty("failOnTimeout", .public, .bool(false), default: .bool(false)),
        ], traits: [.dispatchable, .interactsWithQueue, .queueable, .custom(name: "Shuttle\\Jobs\\RecordsRuns", properties: [])])
    }

    static func build(record: String? = nil, tries: Int? = nil, delay: Int? = nil,
                      version: LaravelVersion = .v8) throws -> Payload {
        try PayloadBuilder(version: version).build(
            job(record: record, tries: tries), state: QueueableState(delay: delay), shape: .native,
            options: JobOptions(maxTries: tries))
    }

    static func bytes(record: String? = nil, tries: Int? = nil, delay: Int? = nil) throws -> [UInt8] {
        try build(record: record, tries: tries, delay: delay).rawBytes
    }
}

/// JSON helpers for assertions.
enum JSONBytes {
    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

extension XCTestCase {
    /// `XCTAssertThrowsError` for async queue calls.
    func assertQueueThrows<T>(_ expression: @autoclosure () async throws -> T, _ message: String = "",
                              file: StaticString = #filePath, line: UInt = #line) async {
        do {
            _ = try await expression()
            XCTFail("expected an error. \(message)", file: file, line: line)
        } catch {}
    }

    /// Pops one job from `name`, failing the test when there is none.
    func popOne(_ queue: RedisQueue, _ name: String? = nil, file: StaticString = #filePath, line: UInt = #line) async throws -> RedisJob {
        let result = try await queue.pop(queue: name)
        return try XCTUnwrap(result.jobs.first, "nothing popped from \(name ?? queue.defaultQueue)", file: file, line: line)
    }
}
