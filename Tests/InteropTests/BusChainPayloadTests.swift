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

/// Shuttle's worker runs the captured first job of a chain (`chain.json`) for each Laravel version and
/// pushes the second: byte for byte the `chain.next.json` PHP pushed, apart from uuid, id and createdAt.
/// From v9.4 the class defaults (`tries`, `backoff`, `timeout`) are not in the serialized job: the
/// `QueueableJobHandler` registered for the next class supplies them, as its PHP class declares them.
final class BusChainPayloadTests: XCTestCase {
    static let versions: [(String, LaravelVersion)] = [
        ("laravel8", .v8), ("laravel9", .v9), ("laravel10", .v10), ("laravel11", .v11),
        ("laravel12", .v12), ("laravel12.67", .v12_67), ("laravel13", .v13),
    ]

    struct Noop: JobHandler {
        func handle(_ context: JobContext) async throws {}
    }

    /// `App\Jobs\Data\Monzo\MonzoAccountData`: `public $timeout = 300, $tries = 2, $backoff = [120, 300]`.
    struct MonzoAccountData: QueueableJobHandler {
        func handle(_ context: JobContext) async throws {}
        func payloadOptions(for command: PHPObject, fromProperties: JobOptions) -> JobOptions {
            var options = fromProperties
            options.maxTries = options.maxTries ?? 2
            options.backoff = options.backoff ?? "120,300"
            options.timeout = options.timeout ?? 300
            return options
        }
    }

    func testNextJobPayloadIsPHPs() async throws {
        for (directory, version) in Self.versions {
            let prefix = "buschain_\(UUID().uuidString.prefix(8).lowercased())_"
            let redis = try await RedisConnection(configuration: RedisConfiguration(
                host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), keyPrefix: prefix))
            defer { redis.close() }
            let queue = RedisQueue(redis: redis)
            try await queue.pushRaw(try TestEnvironment.fixture("\(directory)/chain.json"), queue: "pull")

            var registry = JobRegistry()
            try registry.register("App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull", Noop())
            try registry.register("App\\Jobs\\Data\\Monzo\\MonzoAccountData", MonzoAccountData())
            var options = WorkerOptions()
            options.memory = 0  // no --memory limit: this worker runs inside the test process, whose RSS is not its own
            options.queues = ["pull"]
            options.maxJobs = 1
            options.stopWhenEmpty = true
            options.sleep = 0.05
            let services = WorkerServices(middleware: [BusMiddleware()], laravelVersion: version,
                                          logger: Logger(label: "shuttle.test.chain") { StreamLogHandler.standardError(label: $0) })
            let worker = Worker(queue: queue, registry: registry, options: options, services: services, maintenanceInterval: .milliseconds(50))
            _ = await worker.run()
            XCTAssertEqual(worker.jobsProcessed, 1, directory)

            let sizes = try await queue.sizes(queue: "pull")
            XCTAssertEqual(sizes.total, 0, directory)
            let pushed = try await queue.peek(queue: "fetch")
            let ours = try Payload(bytes: try XCTUnwrap(pushed, directory))
            let expectedBytes = try TestEnvironment.fixture("\(directory)/chain.next.json")
            let theirs = try Payload(bytes: expectedBytes)
            var expected = String(decoding: expectedBytes, as: UTF8.self)
                .replacingOccurrences(of: try XCTUnwrap(theirs.uuid), with: try XCTUnwrap(ours.uuid))
                .replacingOccurrences(of: try XCTUnwrap(theirs.id), with: try XCTUnwrap(ours.id))
            if let createdAt = theirs.createdAt, let ourCreatedAt = ours.createdAt {
                expected = expected.replacingOccurrences(of: "\"createdAt\":\(createdAt),", with: "\"createdAt\":\(ourCreatedAt),")
            }
            XCTAssertEqual(ours.rawText, expected, directory)
            _ = try await queue.clear(queue: "fetch")
        }
    }
}
