import Foundation
import LaravelBus
import LaravelQueue
import LaravelQueueTesting
import Logging
import PHPFormats
import PHPSerialization

/// One worker test's world without Redis or a database: an in-memory queue, cache and `failed_jobs` on a
/// clock the test moves, and a recorder of every lifecycle event — the services `WorkerTestBed` gives the
/// Redis versions of these tests.
final class InMemoryWorkerBed: Sendable {
    let clock: TestClock
    let queue: InMemoryQueue
    let cache: InMemoryCacheStore
    let failer = InMemoryFailedJobProvider()
    let events = EventRecorder()

    init(retryAfter: Int = 30, blockFor: Double? = nil) {
        let clock = TestClock()
        self.clock = clock
        queue = InMemoryQueue(retryAfter: retryAfter, blockFor: blockFor, clock: { clock.now })
        cache = InMemoryCacheStore(clock: { clock.now })
    }

    func services(version: LaravelVersion = .v12, cache: Bool = true, failer: Bool = true) -> WorkerServices {
        WorkerServices(cache: cache ? self.cache : nil, failer: failer ? self.failer : nil, middleware: [events, BusMiddleware()],
                       laravelVersion: version, logger: Self.logger)
    }

    /// Silent unless SHUTTLE_TEST_LOG is set (some tests make the worker log critical errors on purpose).
    static let logger: Logger = {
        guard ProcessInfo.processInfo.environment["SHUTTLE_TEST_LOG"] != nil else {
            return Logger(label: "in-memory-worker-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        var logger = Logger(label: "in-memory-worker-tests")
        logger.logLevel = .trace
        return logger
    }()

    func worker(_ registry: JobRegistry, options: WorkerOptions = .test(), version: LaravelVersion = .v12,
                services: WorkerServices? = nil, timeoutGrace: Duration = .seconds(5)) -> Worker {
        Worker(queue: queue, registry: registry, options: options, services: services ?? self.services(version: version),
               maintenanceInterval: .milliseconds(50), timeoutGrace: timeoutGrace)
    }

    /// Runs `worker` in the background; `stop()` it and await the task for how it ended.
    func start(_ worker: Worker) -> Task<WorkerExit, Never> {
        Task { await worker.run() }
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
        try await queue.push(payload, queue: name)
        return payload
    }

    func ready(_ name: String = "default") -> [[UInt8]] { queue.ready(queue: name) }
    func reserved(_ name: String = "default") -> [(member: [UInt8], score: Int)] { queue.reserved(queue: name) }
    func delayed(_ name: String = "default") -> [(member: [UInt8], score: Int)] { queue.delayed(queue: name) }
    func failedJobs() async throws -> [FailedJobRecord] { try await failer.all() }
}

extension WorkerOptions {
    /// Short sleeps and one queue; a test sets what it is about.
    static func test(queues: [String] = ["default"], tries: Int = 1, backoff: String = "0", timeout: Int = 0,
                     concurrency: Int = 1, stopWhenEmpty: Bool = false, maxJobs: Int = 0) -> WorkerOptions {
        var o = WorkerOptions()
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
