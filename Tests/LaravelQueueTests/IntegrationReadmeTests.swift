import Database
import Foundation
import LaravelQueue
import LaravelQueueTesting
import Logging
import PHPSerialization
import Redis
import ShuttleProbe
import ShuttleRuntime
import TestSupport
import XCTest

/// README.md's "Adding an integration", followed to the letter: its example integration registers through the
/// host `shuttle work` uses and runs on a real worker, and its tests pass as written, on the in-memory queue.
final class IntegrationReadmeTests: XCTestCase {
    private var bed: WorkerTestBed!

    override func setUp() async throws { bed = try await WorkerTestBed(realClock: true) }
    override func tearDown() async throws { try await bed.cleanUp() }

    func testTheExampleHereIsTheREADMEs() throws {
        let readme = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try XCTUnwrap(readme.range(of: "An integration that runs `App\\Jobs\\RecordVisit`")).upperBound
        let start = try XCTUnwrap(readme.range(of: "```swift\n", range: section..<readme.endIndex)).upperBound
        let end = try XCTUnwrap(readme.range(of: "```\n", range: start..<readme.endIndex)).lowerBound
        let example = try String(
            contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("Tests/LaravelQueueTests/ReadmeVisitsIntegration.swift"),
            encoding: .utf8)
        XCTAssertTrue(example.hasSuffix(String(readme[start..<end])), "ReadmeVisitsIntegration.swift differs from README.md's example")
    }

    func testTheExampleIntegrationRunsOnARealWorkerBesideTheProbe() async throws {
        let path = try TestEnvironment.temporaryDirectory("shuttle-readme").appendingPathComponent("app.sqlite").path
        let app = try SQLiteConnection(path: path)
        defer { app.close() }
        try await app.execute("create table visits (page text, attempt integer)")
        let environment = LaravelEnvironment(process: ["DB_CONNECTION": "sqlite", "DB_DATABASE": path])
        let resources = IntegrationResources(environment: environment, poolSize: 2, workerName: "shuttle:readme", redis: bed.redis,
                                             logger: WorkerTestBed.logger)
        let host = try await IntegrationHost([ProbeIntegration(), VisitsIntegration()], resources: resources)
        XCTAssertEqual(host.registry.registeredClasses, ["App\\Jobs\\RecordVisit", "Shuttle\\Jobs\\Probe"])
        XCTAssertEqual(host.registry.normalizedClasses, ["app\\jobs\\recordvisit", "shuttle\\jobs\\probe"])

        for page in ["/", "/pricing", "/about"] {
            let visit = PendingJob(className: "App\\Jobs\\RecordVisit", properties: [JobProperty("page", .public, .string(page))])
            _ = try await Dispatcher().dispatch(visit, on: bed.queue)
        }
        _ = try await Dispatcher().dispatch(ProbeDispatch(record: "probe-runs").pendingJob(), on: bed.queue)
        let worker = bed.worker(host.registry, options: .test(concurrency: 2, stopWhenEmpty: true))
        let exit = await worker.run()
        await host.shutdown()

        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        XCTAssertEqual(worker.jobsProcessed, 4)
        let visits = try await app.query("select page, attempt from visits order by page").map { "\($0["page"]?.string ?? "") \($0["attempt"]?.int ?? 0)" }
        XCTAssertEqual(visits, ["/ 1", "/about 1", "/pricing 1"])
        let runs = try await bed.redis.send(RedisCommand("LRANGE", [.key("probe-runs"), "0", "-1"])).array?.compactMap(\.bytes) ?? []
        XCTAssertEqual(runs.count, 2)
        XCTAssertTrue(runs.allSatisfy { String(decoding: $0, as: UTF8.self).contains(#""worker":"shuttle:readme""#) })
        XCTAssertTrue(try resources.database().status.isClosed, "the host closed the pool it lent")
    }

    // The README's tests, as written.

    func testTheProbeFailsTheAttemptsItIsToldTo() async throws {
        let probe = ProbeJob(redis: nil, workerName: "shuttle:test")
        let job = ProbeDispatch(failAttempts: 1).pendingJob()
        do {
            try await probe.handle(try JobContext.testing(job, attempts: 1))
            XCTFail("attempt 1 should have failed")
        } catch {}
        try await probe.handle(try JobContext.testing(job, attempts: 2))
    }

    func testTheWorkerRunsTheIntegrationsJobs() async throws {
        let resources = IntegrationResources(environment: LaravelEnvironment(), logger: Logger(label: "test"))
        let host = try await IntegrationHost([ProbeIntegration()], resources: resources)
        let queue = InMemoryQueue()
        _ = try await Dispatcher().dispatch(ProbeDispatch().pendingJob(count: 3), on: queue)
        var options = WorkerOptions()
        options.stopWhenEmpty = true
        options.memory = 0  // no --memory limit: the test process's RSS is not this worker's
        let worker = Worker(queue: queue, registry: host.registry, options: options)
        let exit = await worker.run()
        await host.shutdown()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        XCTAssertEqual(worker.jobsProcessed, 3)
    }
}
