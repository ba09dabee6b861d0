import Database
import Foundation
import LaravelQueue
import LaravelScheduling
import Logging
import PHPFormats
import Redis
import Synchronization
import ShuttleRuntime
import SparkSchedule
import TestSupport

/// One "host" of the app: its queue, cache and locks connected from the environment as the CLI connects them,
/// and Spark's schedule entry (`CheckIntegrationUpdates`, everyMinute, withoutOverlapping, onOneServer) on them.
struct ScheduleHost {
    let application: QueueApplication
    let scheduler: Scheduler

    /// - Parameter action: runs after the push (a test holds the run open here).
    static func connect(_ environment: [String: String], clock: any ScheduleClock = SystemScheduleClock(),
                        action: (@Sendable () async throws -> Void)? = nil) async throws -> ScheduleHost {
        let config = try QueueConfiguration.resolve(LaravelEnvironment(process: environment))
        var logger = Logger(label: "schedule-test")
        logger.logLevel = .error
        let application = try await QueueApplication.connect(config, embeddedDatabase: true, logger: logger)
        let cache = application.cache as! any AddingCacheStore
        let job = CheckIntegrationUpdates.pendingJob(version: config.version)
        let dispatcher = application.dispatcher, queue = application.queue
        let event = ScheduledEvent(description: CheckIntegrationUpdates.phpClass) {
            try await dispatcher.dispatch(job, on: queue)
            try await action?()
        }
        let scheduler = Scheduler(events: [event], mutex: ScheduleMutex(cache: cache, locks: application.bus.locks, version: config.version),
                                  clock: clock, logger: logger)
        return ScheduleHost(application: application, scheduler: scheduler)
    }

    func pushed() async throws -> [Payload] {
        let list = try await application.redis.send(RedisCommand("LRANGE", [.key("queues:pull"), .value("0"), .value("-1")]))
        return try (list.array ?? []).map { try Payload(bytes: $0.bytes ?? []) }
    }

    func close() async { await application.close() }
}

/// The environments a test runs the schedule in: a fresh Redis prefix, and the cache store asked for.
enum ScheduleEnvironment {
    enum Store: String { case redis, sqlite, postgres, file }

    static func make(_ store: Store, laravel: String) async throws -> [String: String] {
        var environment = [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()),
            "REDIS_PREFIX": "sched_\(UUID().uuidString.prefix(8).lowercased())_", "REDIS_DB": "0", "REDIS_CACHE_DB": "1",
            "QUEUE_CONNECTION": "redis", "REDIS_QUEUE": "pull", "SHUTTLE_LARAVEL_VERSION": laravel,
        ]
        switch store {
        case .redis:
            let path = try TestEnvironment.temporaryDirectory("schedule-db").appendingPathComponent("app.sqlite").path
            environment.merge(["CACHE_STORE": "redis", "CACHE_DRIVER": "redis", "DB_CONNECTION": "sqlite", "DB_DATABASE": path]) { $1 }
        case .file:
            let directory = try TestEnvironment.temporaryDirectory("schedule-storage")
            environment.merge(["CACHE_STORE": "file", "CACHE_DRIVER": "file", "SHUTTLE_STORAGE_PATH": directory.path, "DB_CONNECTION": "sqlite",
                               "DB_DATABASE": directory.appendingPathComponent("app.sqlite").path]) { $1 }
        case .sqlite:
            let path = try TestEnvironment.temporaryDirectory("schedule-db").appendingPathComponent("app.sqlite").path
            environment.merge(["CACHE_STORE": "database", "CACHE_DRIVER": "database", "DB_CONNECTION": "sqlite", "DB_DATABASE": path]) { $1 }
        case .postgres:
            let name = "sched_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
            let port = try TestEnvironment.postgresPort()
            let admin = try await PostgresConnection(configuration: PostgresConfiguration(
                host: "127.0.0.1", port: port, database: "postgres", username: "postgres", sslmode: "disable"))
            try await admin.execute("create database \(name)")
            admin.close()
            environment.merge(["CACHE_STORE": "database", "CACHE_DRIVER": "database", "DB_CONNECTION": "pgsql", "DB_HOST": "127.0.0.1",
                               "DB_PORT": String(port), "DB_DATABASE": String(name), "DB_USERNAME": "postgres", "DB_PASSWORD": "",
                               "DB_SSLMODE": "disable"]) { $1 }
        }
        return environment
    }
}

/// A clock a test moves: `sleep(until:)` jumps to the instant at once and records it; after `sleeps` jumps
/// the next sleep throws `CancellationError`, which ends the scheduler's loop.
final class SteppingClock: ScheduleClock {
    private let state: Mutex<(now: Double, sleeps: [Double])>
    private let limit: Int

    init(_ start: Double, sleeps limit: Int = .max) {
        state = Mutex((start, []))
        self.limit = limit
    }

    func now() -> Double { state.withLock { $0.now } }
    var sleeps: [Double] { state.withLock { $0.sleeps } }

    func sleep(until instant: Double) async throws {
        try Task.checkCancellation()
        let stop = state.withLock { state -> Bool in
            guard state.sleeps.count < limit else { return true }
            state.sleeps.append(instant)
            state.now = max(state.now, instant)
            return false
        }
        if stop { throw CancellationError() }
        await Task.yield()
    }
}

/// A one-shot gate: `wait()` returns once `open()` has been called (before or after).
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
