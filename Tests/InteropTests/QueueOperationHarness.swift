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

/// Shuttle and Laravel 8 (scripts/laravel) on the same test Redis, with the same prefix and database.
///
/// Every key a test touches contains `token` (in the prefix, or in the queue name when the prefix is empty),
/// so cleanup can find them all.
struct QueueOperationHarness {
    let token: String
    let prefix: String
    let database: Int
    let port: Int
    let queueName: String
    let redis: RedisConnection
    /// Unprefixed: full key names.
    let raw: RedisConnection
    let directory: URL

    /// - Parameter prefix: nil = a unique test prefix; otherwise this exact prefix (may be empty).
    static func make(prefix: String? = nil, database: Int = 0) async throws -> QueueOperationHarness {
        let token = "qo\(UUID().uuidString.prefix(8).lowercased())"
        let port = try TestEnvironment.redisPort()
        let prefix = prefix ?? "\(token)_"
        let redis = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: port, database: database, keyPrefix: prefix))
        let raw = try await RedisConnection(configuration: RedisConfiguration(host: TestEnvironment.redisHost, port: port, database: database))
        return QueueOperationHarness(token: token, prefix: prefix, database: database, port: port, queueName: "q-\(token)",
                                     redis: redis, raw: raw, directory: try TestEnvironment.temporaryDirectory("queueops"))
    }

    func queue(retryAfter: Int = 90, blockFor: Double? = nil, blocking: RedisConnection? = nil,
               clock: (@Sendable () -> Int)? = nil) -> RedisQueue {
        RedisQueue(redis: redis, blockingRedis: blocking, defaultQueue: queueName, retryAfter: retryAfter, blockFor: blockFor,
                   migrationBatchSize: -1, laterUsesScript: false, clock: clock ?? { Int(Date().timeIntervalSince1970) })
    }

    func cleanup() async {
        let script = "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        for db in Set([database, 0, 1]) {
            _ = try? ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", String(port), "-n", String(db),
                                        "eval", script, "0", "*\(token)*"])
        }
        redis.close()
        raw.close()
    }

    // MARK: Keys as stored

    func key(_ name: String) -> String { prefix + name }
    var base: String { key("queues:\(queueName)") }

    func list(_ fullKey: String) async throws -> [[UInt8]] {
        try await raw.send(.lrange(fullKey, 0, -1)).array?.compactMap(\.bytes) ?? []
    }
    func zset(_ fullKey: String) async throws -> [(member: [UInt8], score: Int)] {
        let reply = try await raw.send(.zrange(fullKey, 0, -1, withScores: true)).array ?? []
        return stride(from: 0, to: reply.count - 1, by: 2).map { (reply[$0].bytes ?? [], Int(reply[$0 + 1].string ?? "") ?? .min) }
    }
    func llen(_ fullKey: String) async throws -> Int { try await raw.send(.llen(fullKey)).int ?? -1 }
    func zcard(_ fullKey: String) async throws -> Int { try await raw.send(.zcard(fullKey)).int ?? -1 }

    /// Probe run entries in the record list `name` (a key under the prefix).
    func records(_ name: String) async throws -> [[String: Any]] {
        try await list(key(name)).map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]) }
    }

    // MARK: PHP

    var environment: [String: String] {
        [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(port), "REDIS_DB": String(database),
            "REDIS_CACHE_DB": "1", "REDIS_PREFIX": prefix, "QUEUE_CONNECTION": "redis", "CACHE_DRIVER": "redis",
            "REDIS_QUEUE": queueName, "DB_CONNECTION": "sqlite",
            "DB_DATABASE": directory.appendingPathComponent("db.sqlite").path,
            "SHUTTLE_STORAGE_PATH": directory.appendingPathComponent("storage").path,
        ]
    }

    static let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel")

    /// `dispatch.php JOB …`: the (uuid, id) of each job pushed.
    @discardableResult
    func dispatch(_ job: String, _ arguments: [String] = []) throws -> [(uuid: String, id: String)] {
        let result = try ProcessRunner.php(Self.scripts.appendingPathComponent("dispatch.php").path, [job] + arguments,
                                           environment: environment)
        return result.stdoutText.split(separator: "\n").map {
            let parts = $0.split(separator: " ")
            return (String(parts.first ?? ""), String(parts.count > 1 ? parts[1] : ""))
        }
    }

    /// `work.php …` to completion.
    @discardableResult
    func work(_ arguments: [String], extraEnvironment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.php(Self.scripts.appendingPathComponent("work.php").path, arguments,
                              environment: environment.merging(extraEnvironment) { $1 })
    }

    /// Runs PHP code after `$app = require bootstrap.php; $queue = $app['queue']->connection('redis');`.
    @discardableResult
    func php(_ code: String) throws -> ProcessResult {
        var environment = self.environment
        environment["SHUTTLE_BOOTSTRAP"] = Self.scripts.appendingPathComponent("bootstrap.php").path
        return try ProcessRunner.phpCode("$app = require getenv('SHUTTLE_BOOTSTRAP'); $queue = $app['queue']->connection('redis'); " + code,
                                         environment: environment)
    }

    /// Waits until some client is blocked in BLPOP on `fullKey`.
    func waitForBlockedClient(on fullKey: String, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let clients = try await raw.send(RedisCommand("CLIENT", ["LIST"])).string ?? ""
            if clients.split(separator: "\n").contains(where: { $0.contains("cmd=blpop") && $0.contains("flags=b") }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTFail("no client blocked on \(fullKey)")
    }
}

/// Laravel 8 payloads for the harness's `Shuttle\Jobs\Probe` (scripts/laravel/README.md), built by Shuttle.
enum InteropProbe {
    static func payload(record: String? = nil, delay: Int? = nil) throws -> Payload {
        let job = JobClass("Shuttle\\Jobs\\Probe", properties: [
            JobProperty("sleep", .public, .double(0), default: .double(0)),
            JobProperty("failAttempts", .public, .int(0), default: .int(0)),
            JobProperty("record", .public, record.map { PHPValue.string($0) } ?? .null, default: .null),
            JobProperty("tries", .public, .null, default: .null),
            JobProperty("backoff", .public, .null, default: .null),
            JobProperty("timeout", .public, .null, default: .null),
            JobProperty("failOnTimeout", .public, .bool(false), default: .bool(false)),
        ], traits: [.dispatchable, .interactsWithQueue, .queueable, .custom(name: "Shuttle\\Jobs\\RecordsRuns", properties: [])])
        return try PayloadBuilder(version: .v8).build(job, state: QueueableState(delay: delay), shape: .native)
    }
}
