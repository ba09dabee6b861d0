import Database
import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import Logging
import PHPSerialization
import Redis
import Synchronization
import TestSupport
import XCTest

/// One worker test's world: a real Redis under a key prefix of its own, a queue whose clock the test moves,
/// a fresh SQLite `failed_jobs` table, a Redis cache store, and a recorder of every lifecycle event.
final class WorkerTestBed: Sendable {
    let redis: RedisConnection
    let queue: RedisQueue
    let clock: TestClock
    let failer: DatabaseUuidFailedJobProvider
    let cache: RedisCacheStore
    let events = EventRecorder()
    let keyPrefix: String
    static let cachePrefix = "laravel_cache:"

    /// - Parameters:
    ///   - realClock: use the wall clock instead of a movable one (reservation renewal needs real time).
    init(retryAfter: Int = 30, realClock: Bool = false, failer: (any SQLConnection)? = nil) async throws {
        keyPrefix = "wt-\(UUID().uuidString.prefix(8)):"
        redis = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), keyPrefix: keyPrefix))
        let clock = TestClock(Int(Date().timeIntervalSince1970))
        self.clock = clock
        let unixTime: @Sendable () -> Int
        if realClock { unixTime = { Int(Date().timeIntervalSince1970) } } else { unixTime = { clock.now } }
        queue = RedisQueue(redis: redis, retryAfter: retryAfter, clock: unixTime)
        let connection = try failer ?? SQLiteConnection(
            path: TestEnvironment.temporaryDirectory("shuttle-worker").appendingPathComponent("db.sqlite").path)
        self.failer = DatabaseUuidFailedJobProvider(connection: connection)
        try await self.failer.createTableIfMissing()
        cache = RedisCacheStore(redis: redis, prefix: Self.cachePrefix)
    }

    /// Deletes every key of this test.
    func cleanUp() async throws {
        let raw = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort()))
        defer { raw.close() }
        let keys = try await raw.send(.keys(pattern: keyPrefix + "*")).array?.compactMap(\.string) ?? []
        if !keys.isEmpty { _ = try await raw.send(.del(keys)) }
        redis.close()
    }

    func services(version: LaravelVersion = .v12, cache: Bool = true, failer: Bool = true) -> WorkerServices {
        WorkerServices(cache: cache ? self.cache : nil, failer: failer ? self.failer : nil, middleware: [events, BusMiddleware()],
                       laravelVersion: version, logger: Self.logger)
    }

    /// Silent unless SHUTTLE_TEST_LOG is set (some tests make the worker log critical errors on purpose).
    static let logger: Logger = {
        guard ProcessInfo.processInfo.environment["SHUTTLE_TEST_LOG"] != nil else {
            return Logger(label: "worker-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        var logger = Logger(label: "worker-tests")
        logger.logLevel = .trace
        return logger
    }()

    func worker(_ registry: JobRegistry, options: WorkerOptions = .test(), version: LaravelVersion = .v12,
                services: WorkerServices? = nil, timeoutGrace: Duration = .seconds(5)) -> Worker {
        Worker(queue: queue, registry: registry, options: options, services: services ?? self.services(version: version),
               maintenanceInterval: .milliseconds(50), timeoutGrace: timeoutGrace)
    }

    // MARK: Jobs

    /// A Laravel object-job payload for `phpClass`, as `version` would push it.
    static func payload(_ phpClass: String = "App\\Jobs\\TestJob", options: JobOptions = JobOptions(), delay: Int? = nil,
                        version: LaravelVersion = .v12, value: Int = 1) throws -> Payload {
        try PayloadBuilder(version: version).build(
            JobClass(phpClass, properties: [JobProperty("value", .public, .int(value))]), shape: .native,
            options: options, delay: delay)
    }

    @discardableResult
    func push(_ phpClass: String = "App\\Jobs\\TestJob", options: JobOptions = JobOptions(), queue name: String? = nil,
              version: LaravelVersion = .v12, value: Int = 1) async throws -> Payload {
        let payload = try Self.payload(phpClass, options: options, version: version, value: value)
        try await queue.pushRaw(payload.rawBytes, queue: name)
        return payload
    }

    // MARK: Looking at Redis

    func ready(_ name: String = "default") async throws -> [[UInt8]] {
        try await redis.send(RedisCommand("LRANGE", [.key("queues:\(name)"), "0", "-1"])).array?.compactMap(\.bytes) ?? []
    }

    /// Members of a sorted set with their scores.
    func zset(_ key: String) async throws -> [(member: [UInt8], score: Int)] {
        let items = try await redis.send(RedisCommand("ZRANGE", [.key(key), "0", "-1", "WITHSCORES"])).array ?? []
        return stride(from: 0, to: items.count - 1, by: 2).map { (items[$0].bytes ?? [], items[$0 + 1].int ?? -1) }
    }

    func delayed(_ name: String = "default") async throws -> [(member: [UInt8], score: Int)] { try await zset("queues:\(name):delayed") }
    func reserved(_ name: String = "default") async throws -> [(member: [UInt8], score: Int)] { try await zset("queues:\(name):reserved") }

    func failedJobs() async throws -> [FailedJobRecord] { try await failer.all() }

    /// Runs `worker` in the background; `finish` stops it (if still running) and returns how it ended.
    func start(_ worker: Worker) -> Task<WorkerExit, Never> {
        Task { await worker.run() }
    }
}

extension WorkerOptions {
    /// Short sleeps and one queue; a test sets what it is about.
    static func test(queues: [String] = ["default"], tries: Int = 1, backoff: String = "0", timeout: Int = 0,
                     concurrency: Int = 1, stopWhenEmpty: Bool = false, maxJobs: Int = 0) -> WorkerOptions {
        var o = WorkerOptions()
        o.memory = 0  // no --memory limit: this worker runs inside the test process, whose RSS is not its own
        o.queues = queues
        o.tries = tries
        o.backoff = backoff
        o.timeout = timeout
        o.sleep = 0.05
        o.concurrency = concurrency
        o.stopWhenEmpty = stopWhenEmpty
        o.maxJobs = maxJobs
        o.memory = 4096
        return o
    }
}

/// A Unix clock the test moves by hand, so delays and reservation expiry need no waiting.
final class TestClock: Sendable {
    private let value: Mutex<Int>
    init(_ start: Int = Int(Date().timeIntervalSince1970)) { value = Mutex(start) }
    var now: Int {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
    func advance(_ seconds: Int) { value.withLock { $0 += seconds } }
}

/// Collects the lifecycle events the worker reports, for waiting on and asserting about.
final class EventRecorder: JobMiddleware {
    private let events = Mutex<[JobEvent]>([])

    func jobEvent(_ event: JobEvent) async { events.withLock { $0.append(event) } }

    var all: [JobEvent] { events.withLock { $0 } }

    var released: [(job: RedisJob, delay: Int)] {
        all.compactMap { if case .released(let job, let delay) = $0 { return (job, delay) } else { return nil } }
    }
    var failed: [(job: RedisJob, exception: String)] {
        all.compactMap { if case .failed(let job, let text) = $0 { return (job, text) } else { return nil } }
    }
    var deleted: [RedisJob] { all.compactMap { if case .deleted(let job) = $0 { return job } else { return nil } } }
    var routed: [[UInt8]] { all.flatMap { if case .routed(_, _, let p) = $0 { return p } else { return [] } } }
    var handedBack: [RedisJob] { all.compactMap { if case .handedBack(let job, _) = $0 { return job } else { return nil } } }
    var reservedJobs: [RedisJob] { all.compactMap { if case .reserved(let job) = $0 { return job } else { return nil } } }
}

/// A job handler made of closures; counts its runs and its `failed` hook calls.
final class TestHandler: JobHandler {
    typealias Body = @Sendable (JobContext) async throws -> Void
    private let body: Body
    private let counts = Mutex<(runs: Int, failedCalls: Int, failedErrors: [String], failedWithCommand: Bool)>((0, 0, [], false))

    init(_ body: @escaping Body = { _ in }) { self.body = body }

    func handle(_ context: JobContext) async throws {
        counts.withLock { $0.runs += 1 }
        try await body(context)
    }

    func failed(_ context: JobContext, error: any Error) async {
        let hasCommand = context.command != nil
        counts.withLock { $0.failedCalls += 1; $0.failedErrors.append(String(describing: error)); $0.failedWithCommand = hasCommand }
    }
    var failedHookHadCommand: Bool { counts.withLock { $0.failedWithCommand } }

    var runs: Int { counts.withLock { $0.runs } }
    var failedCalls: Int { counts.withLock { $0.failedCalls } }
    var failedErrors: [String] { counts.withLock { $0.failedErrors } }

    static func registry(_ handler: TestHandler, for phpClass: String = "App\\Jobs\\TestJob") throws -> JobRegistry {
        var r = JobRegistry()
        try r.register(phpClass, handler)
        return r
    }
}

/// A one-shot gate tasks can wait on without blocking a thread, and that ignores cancellation when asked.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    var isOpen: Bool { state.withLock { $0.open } }

    /// Waits until opened, whatever cancellation says (a handler that ignores its timeout).
    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.open { return true }
                s.waiters.append(c)
                return false
            }
            if resumeNow { c.resume() }
        }
    }
}

/// Thrown by test handlers.
struct TestFailure: Error, CustomStringConvertible {
    var message = "boom"
    var description: String { message }
}

/// Polls `condition` until true or `timeout` passes (then fails the test).
func eventually(_ what: @autoclosure () -> String, timeout: Duration = .seconds(10),
                file: StaticString = #filePath, line: UInt = #line,
                _ condition: () async throws -> Bool) async rethrows {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try? await Task.sleep(for: .milliseconds(20))
    }
    XCTFail("timed out waiting for: \(what())", file: file, line: line)
}

extension Payload {
    /// The `attempts` of some payload bytes.
    static func attempts(of bytes: [UInt8]) -> Int? { (try? Payload(bytes: bytes))?.attempts }
}
