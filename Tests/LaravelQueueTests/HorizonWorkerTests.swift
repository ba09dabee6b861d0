import Database
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

/// A real Worker run with Horizon's records on (spec §10 #33): a job PHP pushed (with its pending row) ends
/// completed or failed in Horizon's keys, with metrics under the prefixed member; and QueueApplication wires
/// the middleware in when Horizon is configured.
final class HorizonWorkerTests: XCTestCase {
    private var bed: HorizonTestBed!

    override func setUp() async throws { bed = try await HorizonTestBed.make() }
    override func tearDown() async throws { await bed.cleanup() }

    private static let jobClass = "App\\Jobs\\CheckIntegrationUpdates"
    private static let id = "0badc0de-0000-4000-8000-000000000001"

    private func failer() throws -> DatabaseUuidFailedJobProvider {
        let path = try TestEnvironment.temporaryDirectory("shuttle-horizon").appendingPathComponent("db.sqlite").path
        return DatabaseUuidFailedJobProvider(connection: try SQLiteConnection(path: path))
    }

    /// Pushes the fixture with Horizon's pending row written first (as PR #1682 producers do), then runs a
    /// worker until the queue is empty.
    private func run(_ handler: TestHandler, services: WorkerServices, queue: RedisQueue? = nil, fixture: String = "check-integration-updates",
                     edit: (String) -> String = { $0 }) async throws {
        let queue = queue ?? bed.scratch.queue()
        let bytes = try HorizonTestBed.payload(fixture, edit: edit)
        let pushed = RedisJob(connectionName: "redis", queue: "pull", rawBody: bytes, reserved: bytes, payload: try Payload(bytes: bytes))
        try await bed.writePendingRow(for: pushed, at: HorizonTimestamp(seconds: Date().timeIntervalSince1970))
        try await queue.pushRaw(bytes, queue: "pull")
        let worker = Worker(queue: queue, registry: try TestHandler.registry(handler, for: Self.jobClass),
                            options: .test(queues: ["pull"], stopWhenEmpty: true), services: services,
                            maintenanceInterval: .milliseconds(50))
        let exit = await worker.run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
    }

    func testWorkedJobEndsCompletedWithMetrics() async throws {
        let handler = TestHandler { _ in try await Task.sleep(for: .milliseconds(30)) }
        let services = WorkerServices(middleware: [bed.middleware(fixedClock: false), BusMiddleware()], logger: WorkerTestBed.logger)
        try await run(handler, services: services)

        XCTAssertEqual(handler.runs, 1)
        let hash = try await bed.hash(Self.id)
        XCTAssertEqual(hash["status"], "completed")
        XCTAssertNotNil(hash["reserved_at"])
        XCTAssertNotNil(hash["completed_at"])
        let reservedAt = try XCTUnwrap(Double(hash["reserved_at"] ?? "")), completedAt = try XCTUnwrap(Double(hash["completed_at"] ?? ""))
        XCTAssertGreaterThanOrEqual(completedAt - reservedAt, 0.03)
        let payload = try await bed.hashBytes(Self.id, "payload")
        XCTAssertEqual(payload.flatMap(Payload.attempts(of:)), 1, "the reserved bytes")
        let pending = try await bed.zset("pending_jobs")
        XCTAssertNil(pending[Self.id])
        let completed = try await bed.zset("completed_jobs")
        XCTAssertNotNil(completed[Self.id])
        let measured = try await bed.set("measured_queues")
        XCTAssertEqual(measured, [bed.horizonPrefix + "queue:pull"])
        let measuredJobs = try await bed.set("measured_jobs")
        XCTAssertEqual(measuredJobs, [bed.horizonPrefix + "job:" + Self.jobClass])
        let metrics = try await bed.hash("queue:pull")
        XCTAssertEqual(metrics["throughput"], "1")
        XCTAssertGreaterThanOrEqual(Double(metrics["runtime"] ?? "") ?? 0, 30, "ms from reserve to delete")
        let ttl = try await bed.ttl(Self.id)
        XCTAssertTrue((3500...3600).contains(ttl), "completed TTL \(ttl)")
    }

    func testFailedJobEndsFailedWithTheRecordedException() async throws {
        let failer = try failer()
        try await failer.createTableIfMissing()
        let handler = TestHandler { _ in throw TestFailure(message: "integration unreachable") }
        let services = WorkerServices(failer: failer, middleware: [bed.middleware(fixedClock: false), BusMiddleware()], logger: WorkerTestBed.logger)
        let tag = "App\\Models\\Integration:1ee00000-0000-4000-8000-0000000000t1"
        try await run(handler, services: services) {
            $0.replacingOccurrences(of: "\"tags\":[]", with: "\"tags\":[\"\(tag.replacingOccurrences(of: "\\", with: "\\\\"))\"]")
        }

        let all = try await failer.all()
        let recorded = try XCTUnwrap(all.first)
        let hash = try await bed.hash(Self.id)
        XCTAssertEqual(hash["status"], "failed")
        XCTAssertEqual(hash["exception"], recorded.exception)
        XCTAssertTrue(recorded.exception.contains("integration unreachable"))
        XCTAssertEqual(hash["connection"], "redis")
        XCTAssertEqual(hash["queue"], "pull")
        let failedJobs = try await bed.zset("failed_jobs")
        XCTAssertNotNil(failedJobs[Self.id])
        let tagged = try await bed.zset("failed:" + tag)
        XCTAssertNotNil(tagged[Self.id])
        let pending = try await bed.zset("pending_jobs")
        XCTAssertNil(pending[Self.id])
        let measured = try await bed.set("measured_queues")
        XCTAssertTrue(measured.isEmpty)
    }

    func testQueueApplicationAddsHorizonsRecordsWhenHorizonIsConfigured() async throws {
        let directory = try TestEnvironment.temporaryDirectory("shuttle-horizon-app")
        let env = LaravelEnvironment(process: [
            "APP_NAME": "Laravel", "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(bed.scratch.port),
            "REDIS_PREFIX": bed.scratch.prefix, "HORIZON_PREFIX": bed.horizonPrefix, "REDIS_QUEUE": "pull",
            "QUEUE_CONNECTION": "redis", "CACHE_STORE": "array", "CACHE_DRIVER": "array",
            "DB_CONNECTION": "sqlite", "DB_DATABASE": directory.appendingPathComponent("db.sqlite").path,
        ])
        let configuration = try QueueConfiguration.resolve(env)
        XCTAssertEqual(configuration.horizon?.prefix, bed.horizonPrefix)
        let app = try await QueueApplication.connect(configuration, embeddedDatabase: true, logger: WorkerTestBed.logger)
        XCTAssertNotNil(app.horizon)
        let services = app.workerServices()
        XCTAssertEqual(services.middleware.count, 2)
        XCTAssertTrue(services.middleware.first is HorizonMiddleware)
        XCTAssertTrue(services.middleware.last is BusMiddleware, "the bus sits next to the handler")

        try await run(TestHandler(), services: services, queue: app.queue)
        let hash = try await bed.hash(Self.id)
        XCTAssertEqual(hash["status"], "completed")
        let measured = try await bed.set("measured_queues")
        XCTAssertEqual(measured, [bed.horizonPrefix + "queue:pull"])

        var off = configuration
        off.horizon = nil
        let plain = try await QueueApplication.connect(off, embeddedDatabase: true, logger: WorkerTestBed.logger)
        XCTAssertNil(plain.horizon)
        XCTAssertEqual(plain.workerServices().middleware.count, 1)
        XCTAssertTrue(plain.workerServices().middleware.first is BusMiddleware)
    }
}
