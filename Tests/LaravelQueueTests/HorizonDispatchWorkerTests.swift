import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import Redis
import TestSupport
import XCTest

/// End to end under Horizon: `QueueApplication.dispatcher` pushes a probe with its pending row, Shuttle's own
/// Worker (with `HorizonMiddleware`) runs it, and Horizon's records end as PHP's would leave them.
final class HorizonDispatchWorkerTests: XCTestCase {
    private var bed: HorizonTestBed!

    override func setUp() async throws { bed = try await HorizonTestBed.make() }
    override func tearDown() async throws { await bed.cleanup() }

    private func application(horizon: Bool = true) async throws -> QueueApplication {
        let directory = try TestEnvironment.temporaryDirectory("shuttle-horizon-dispatch")
        var variables = [
            "APP_NAME": "Laravel", "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(bed.scratch.port),
            "REDIS_PREFIX": bed.scratch.prefix, "REDIS_QUEUE": "pull", "QUEUE_CONNECTION": "redis",
            "CACHE_STORE": "array", "CACHE_DRIVER": "array",
            "DB_CONNECTION": "sqlite", "DB_DATABASE": directory.appendingPathComponent("db.sqlite").path,
        ]
        if horizon { variables["HORIZON_PREFIX"] = bed.horizonPrefix }
        let configuration = try QueueConfiguration.resolve(LaravelEnvironment(process: variables))
        return try await QueueApplication.connect(configuration, embeddedDatabase: true, logger: WorkerTestBed.logger)
    }

    private func work(_ app: QueueApplication) async throws {
        var registry = JobRegistry()
        try registry.register(ProbeJob.phpClass, ProbeJob(redis: app.redis, workerName: "shuttle:test"))
        let worker = Worker(queue: app.queue, registry: registry, options: .test(queues: ["pull"], stopWhenEmpty: true),
                            services: app.workerServices(), maintenanceInterval: .milliseconds(50))
        let exit = await worker.run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
    }

    func testShuttleDispatchedProbeRunByShuttleEndsCompleted() async throws {
        let app = try await application()
        XCTAssertTrue(app.dispatcher.hook is HorizonProducer)
        _ = try await bed.raw.send(RedisCommand("SADD", [.value(bed.horizonPrefix + "monitoring"), .value("probe")]))
        var job = ProbeDispatch(sleep: 0.02, record: "runs").pendingJob(version: app.configuration.version)
        job.tags = ["probe"]
        let pushed = try await app.dispatcher.dispatch(job, on: app.queue)
        let id = try XCTUnwrap(pushed.first?.uuid)
        XCTAssertEqual(pushed.first?.queue, "pull")
        let before = try await bed.hash(id)
        XCTAssertEqual(before["status"], "pending")

        try await work(app)

        let runs = try await bed.scratch.list("runs").map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(runs.count, 2)
        XCTAssertTrue(runs.last?.contains(#""outcome":"ok""#) ?? false, "\(runs)")
        let hash = try await bed.hash(id)
        XCTAssertEqual(hash["status"], "completed")
        XCTAssertEqual(hash["id"], id)
        XCTAssertEqual(hash["name"], ProbeJob.phpClass)
        XCTAssertEqual(hash["created_at"], before["created_at"], "the producer's row, completed by the worker")
        XCTAssertNotNil(hash["reserved_at"])
        XCTAssertNotNil(hash["completed_at"])
        let pending = try await bed.zset("pending_jobs"), completed = try await bed.zset("completed_jobs")
        let recent = try await bed.zset("recent_jobs"), monitored = try await bed.zset("monitored_jobs")
        XCTAssertNil(pending[id])
        XCTAssertNotNil(completed[id])
        XCTAssertNotNil(recent[id])
        XCTAssertNotNil(monitored[id], "the monitored tag keeps the completed job")
        let tagged = try await bed.zset("probe")
        XCTAssertNotNil(tagged[id])
        let metrics = try await bed.hash("job:" + ProbeJob.phpClass)
        XCTAssertEqual(metrics["throughput"], "1")
        let ttl = try await bed.ttl(id)
        XCTAssertGreaterThan(ttl, 60 * 60 * 24, "monitored jobs are kept for horizon.trim.monitored")
    }

    func testWithoutHorizonTheApplicationsDispatcherIsPlain() async throws {
        let app = try await application(horizon: false)
        XCTAssertNil(app.dispatcher.hook)
        let pushed = try await app.dispatcher.dispatch(ProbeDispatch().pendingJob(), on: app.queue)
        XCTAssertNotEqual(pushed.first?.id, pushed.first?.uuid)
        let keys = try await bed.horizonKeys()
        XCTAssertEqual(keys, [])
    }
}
