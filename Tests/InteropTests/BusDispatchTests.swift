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
import TestSupport
import XCTest

/// How Shuttle dispatches the next job of a chain beyond the captured cases: its own `delay`, the unique
/// lock of a `ShouldBeUnique` next job (`PendingDispatch`), and v13.24+ owner-checked locks.
final class BusDispatchTests: XCTestCase {
    private var prefix = ""
    private var redis: RedisConnection!
    private var queue: RedisQueue!
    private var locks: RedisLockProvider!

    override func setUp() async throws {
        prefix = "busdispatch_\(UUID().uuidString.prefix(8).lowercased())_"
        redis = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), keyPrefix: prefix))
        queue = RedisQueue(redis: redis)
        locks = RedisLockProvider(redis: redis, prefix: "laravel_cache_")
    }

    override func tearDown() async throws {
        _ = try? await redis.send(RedisCommand("EVAL", [
            .value("for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"), .value("0"), .value(prefix + "*"),
        ]))
        redis?.close()
    }

    struct Noop: JobHandler {
        func handle(_ context: JobContext) async throws {}
    }

    struct Unique: UniqueJobHandler {
        func handle(_ context: JobContext) async throws {}
    }

    func testDelayedNextJobGoesToTheDelayedSet() async throws {
        let next = job("App\\Jobs\\Second", version: .v13, extra: [PHPProperty(name: "delay", value: .int(30))])
        try await pushChain(of: next, version: .v13)
        let before = queue.now
        await work(version: .v13, registry: try registry())
        let reply = try await redis.send(RedisCommand("ZRANGE", [.key("queues:default:delayed"), .value("0"), .value("-1"), .value("WITHSCORES")]))
        let items = try XCTUnwrap(reply.array)
        XCTAssertEqual(items.count, 2)
        let payload = try Payload(bytes: try XCTUnwrap(items.first?.bytes))
        XCTAssertEqual(payload.commandName, "App\\Jobs\\Second")
        XCTAssertEqual(payload.delay, 30, "v12.11+ payloads record the later() delay")
        let score = try XCTUnwrap(items.last?.int)
        XCTAssertTrue((before + 30...before + 31).contains(score), "\(score)")
    }

    func testUniqueNextJobTakesItsLockOrIsNotDispatched() async throws {
        let next = job("App\\Jobs\\Second", version: .v12, extra: [
            PHPProperty(name: "uniqueId", value: .string("u1")), PHPProperty(name: "uniqueFor", value: .int(60)),
        ])
        let key = "laravel_unique_job:App\\Jobs\\Second:u1"
        var registry = try registry()
        try registry.register("App\\Jobs\\Second", Unique())

        // Someone holds the lock: PendingDispatch skips the job silently.
        let acquired1 = try await locks.acquire(key, owner: "someone", seconds: 60)
        XCTAssertTrue(acquired1)
        try await pushChain(of: next, version: .v12)
        await work(version: .v12, registry: registry)
        var size = try await queue.size()
        XCTAssertEqual(size, 0)

        try await locks.forceRelease(key)
        try await pushChain(of: next, version: .v12)
        await work(version: .v12, registry: registry)
        size = try await queue.size()
        XCTAssertEqual(size, 1)
        let owner = try await locks.owner(of: key)
        XCTAssertEqual(owner?.count, 16, "Str::random() owner")
        let ttl = try await redis.send(RedisCommand("TTL", [.key("laravel_cache_" + key)])).int ?? 0
        XCTAssertTrue((59...60).contains(ttl), "uniqueFor: \(ttl)")
    }

    /// v13.24+: the owner travels in `uniqueLockOwner`; release is owner-checked, so a lock someone else
    /// took meanwhile survives, while the job's own lock is freed.
    func testOwnerCheckedReleaseFromV13_24() async throws {
        let version = LaravelVersion(13, 24)
        let handler = Unique()
        var command = job("App\\Jobs\\Second", version: version, extra: [PHPProperty(name: "uniqueId", value: .string("u2"))])
        let lock = UniqueLock(version: version)
        let acquired2 = try await lock.acquire(&command, handler: handler, defaultLocks: locks)
        XCTAssertTrue(acquired2)
        let key = lock.key(for: command, handler: handler)
        let owner = try await locks.owner(of: key)
        XCTAssertEqual(command["uniqueLockOwner"]?.stringValue, owner)
        let serialized = String(decoding: PHPSerializer.serialize(.object(command)), as: UTF8.self)
        XCTAssertTrue(serialized.contains(#"s:13:"debounceOwner";s:0:"";s:15:"uniqueLockOwner";s:16:""#), serialized)

        var stale = command
        stale["uniqueLockOwner"] = .string("0123456789abcdef")
        try await lock.release(stale, handler: handler, defaultLocks: locks)
        var current = try await locks.owner(of: key)
        XCTAssertEqual(current, owner, "not ours: kept")
        try await lock.release(command, handler: handler, defaultLocks: locks)
        current = try await locks.owner(of: key)
        XCTAssertNil(current)

        // Before 13.24 the release is forced, whoever holds it.
        let acquired3 = try await locks.acquire(key, owner: "someone", seconds: 0)
        XCTAssertTrue(acquired3)
        try await UniqueLock(version: LaravelVersion(13, 23)).release(stale, handler: handler, defaultLocks: locks)
        current = try await locks.owner(of: key)
        XCTAssertNil(current)
    }

    // MARK: - Helpers

    private func registry() throws -> JobRegistry {
        var registry = JobRegistry()
        try registry.register("App\\Jobs\\First", Noop())
        return registry
    }

    /// A plain (non-SerializesModels) job with `Queueable` in the version's order.
    private func job(_ name: String, version: LaravelVersion, extra: [PHPProperty] = []) -> PHPObject {
        var object = PHPObject(className: name, properties: [PHPProperty(name: "job", value: .null)])
        for p in version.queueableProperties { object.properties.append(PHPProperty(name: p.rawValue, value: p.defaultValue)) }
        for p in extra { object[p.name] = p.value }
        return object
    }

    private func pushChain(of next: PHPObject, version: LaravelVersion) async throws {
        var first = job("App\\Jobs\\First", version: version)
        first["chained"] = .array(PHPArray(list: [.string(PHPSerializer.serialize(.object(next)))]))
        let payload = try PayloadBuilder(version: version).build(QueuedJob(
            commandName: first.className, command: .serialized(PHPSerializer.serialize(.object(first)))))
        try await queue.pushRaw(payload.rawBytes)
    }

    private func work(version: LaravelVersion, registry: JobRegistry) async {
        var options = WorkerOptions()
        options.memory = 0  // no --memory limit: this worker runs inside the test process, whose RSS is not its own
        options.queues = ["default"]
        options.maxJobs = 1
        options.stopWhenEmpty = true
        options.sleep = 0.05
        let services = WorkerServices(middleware: [BusMiddleware(bus: BusServices(locks: locks))], laravelVersion: version,
                                      logger: Logger(label: "shuttle.test.dispatch") { StreamLogHandler.standardError(label: $0) })
        let worker = Worker(queue: queue, registry: registry, options: options, services: services, maintenanceInterval: .milliseconds(50))
        _ = await worker.run()
        XCTAssertEqual(worker.jobsProcessed, 1)
    }
}
