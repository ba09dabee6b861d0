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

/// Spec §10 #27–#29 with Laravel 8's real dispatcher and worker (scripts/laravel) and Shuttle's worker run
/// in-process, on the test Redis (each test under its own key prefix) and a temporary SQLite database.
final class BusInteropTests: XCTestCase {
    private var environment: [String: String] = [:]
    private var prefix = ""
    private var databasePath = ""
    private let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel")
    private static let uniqueJob = "App\\Jobs\\UniqueJob"

    override func setUpWithError() throws {
        let directory = try TestEnvironment.temporaryDirectory("bus")
        prefix = "bus_\(UUID().uuidString.prefix(8).lowercased())_"
        databasePath = directory.appendingPathComponent("db.sqlite").path
        environment = [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()),
            "REDIS_DB": "0", "REDIS_CACHE_DB": "1", "REDIS_PREFIX": prefix,
            "QUEUE_CONNECTION": "redis", "CACHE_DRIVER": "redis", "REDIS_QUEUE": "default",
            "DB_CONNECTION": "sqlite", "DB_DATABASE": databasePath,
            "SHUTTLE_STORAGE_PATH": directory.appendingPathComponent("storage").path,
        ]
        try php("migrate.php")
    }

    override func tearDownWithError() throws {
        let script = "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        for db in ["0", "1"] { _ = try? redisCLI(["-n", db, "eval", script, "0", prefix + "*"]) }
    }

    // MARK: #27 ShouldBeUnique

    /// PHP's lock (Redis store, lock connection `default`) is the key Shuttle computes; Shuttle's completion
    /// removes it after the handler ran (not before), and PHP can dispatch the job again.
    func testUniqueLockIsReleasedWhenShuttleCompletesTheJob() async throws {
        XCTAssertEqual(try dispatch("unique", "--count", "2").count, 1, "the second dispatch finds the lock")
        let redis = try await connect()
        let locks = RedisLockProvider(redis: redis, prefix: "laravel_cache:")
        let handler = UniqueProbe(locks: locks)
        let value1 = try await locks.owner(of: handler.key)
        XCTAssertNotNil(value1, "PHP created the lock Shuttle would release")

        let ran = await runShuttle(Self.uniqueJob, handler, locks: locks)
        XCTAssertEqual(ran, 1)
        XCTAssertEqual(handler.lockHeldWhileRunning.value, [true])
        let value2 = try await locks.owner(of: handler.key)
        XCTAssertNil(value2)
        XCTAssertEqual(try dispatch("unique").count, 1, "dispatchable again")
    }

    func testUniqueLockIsReleasedWhenTheJobFails() async throws {
        XCTAssertEqual(try dispatch("unique").count, 1)
        let redis = try await connect()
        let locks = RedisLockProvider(redis: redis, prefix: "laravel_cache:")
        let handler = UniqueProbe(locks: locks, fails: true)
        _ = await runShuttle(Self.uniqueJob, handler, locks: locks)  // --tries=1: the first exception fails it
        XCTAssertEqual(handler.lockHeldWhileRunning.value, [true])
        let value3 = try await locks.owner(of: handler.key)
        XCTAssertNil(value3)
        XCTAssertEqual(try sizes("default"), [0, 0, 0])
        XCTAssertEqual(try dispatch("unique").count, 1)
    }

    func testUntilProcessingLockIsReleasedBeforeTheHandlerRuns() async throws {
        XCTAssertEqual(try dispatch("unique").count, 1)
        let redis = try await connect()
        let locks = RedisLockProvider(redis: redis, prefix: "laravel_cache:")
        let handler = UniqueProbe(locks: locks, untilProcessing: true)
        _ = await runShuttle(Self.uniqueJob, handler, locks: locks)
        XCTAssertEqual(handler.lockHeldWhileRunning.value, [false])
        XCTAssertEqual(try dispatch("unique").count, 1)
    }

    /// The database cache store keeps its locks in `cache_locks` (key = cache prefix + name, no separator).
    func testUniqueLockInTheDatabaseStore() async throws {
        environment["CACHE_DRIVER"] = "database"
        XCTAssertEqual(try dispatch("unique", "--count", "2").count, 1)
        let database = try SQLiteConnection(path: databasePath)
        defer { database.close() }
        let locks = DatabaseLockProvider(connection: database, prefix: "laravel_cache")
        let handler = UniqueProbe(locks: locks)
        let value4 = try await locks.owner(of: handler.key)
        XCTAssertNotNil(value4)
        _ = await runShuttle(Self.uniqueJob, handler, locks: locks)
        XCTAssertEqual(handler.lockHeldWhileRunning.value, [true])
        let value5 = try await locks.owner(of: handler.key)
        XCTAssertNil(value5)
        XCTAssertEqual(try dispatch("unique").count, 1)
    }

    // MARK: #28 Chains

    /// Shuttle runs job 1 of a 3-job chain and pushes job 2 (carrying job 3) before deleting job 1; the
    /// payload equals the one PHP's own worker pushes for the same chain (apart from uuid and id), and
    /// PHP's worker then runs jobs 2 and 3.
    func testShuttleContinuesAChainThatPHPFinishes() async throws {
        // Reference: PHP runs job 1 of an identical chain on another queue.
        try dispatch("chain", "--size", "3", "--queue", "reference", "--json", #"{"record":"ref"}"#)
        try php("work.php", ["--queue=reference", "--max-jobs=1", "--sleep=0.1"])
        let reference = try XCTUnwrap(try lrange("queues:reference").first)

        let first = try XCTUnwrap(try dispatch("chain", "--size", "3", "--queue", "reference", "--json", #"{"record":"rec"}"#).first)
        // Same queue as the reference, so the two chains' serialized jobs are alike: move ours aside.
        _ = try redisCLI(["rpoplpush", prefix + "queues:reference", prefix + "queues:chain"])
        let redis = try await connect()
        let probe = ProbeJob(redis: redis, workerName: "shuttle:bus")
        let order = PushOrderProbe(redis: redis, queue: "reference")
        let ran = await runShuttle(ProbeJob.phpClass, probe, queues: ["chain"], maxJobs: 1, middleware: [order], redis: redis)
        XCTAssertEqual(ran, 1)
        XCTAssertEqual(order.readyWhenDeleted.value, [2], "job 2 was pushed before job 1 left :reserved")

        let pushed = try lrange("queues:reference")
        XCTAssertEqual(pushed.count, 2)
        let ours = try Payload(bytes: try XCTUnwrap(pushed.last))
        XCTAssertNotEqual(ours.uuid, first.uuid)
        let theirs = try Payload(bytes: reference)
        var expected = reference.text
            .replacingOccurrences(of: try XCTUnwrap(theirs.uuid), with: try XCTUnwrap(ours.uuid))
            .replacingOccurrences(of: try XCTUnwrap(theirs.id), with: try XCTUnwrap(ours.id))
        expected = expected.replacingOccurrences(of: #"s:3:\"ref\""#, with: #"s:3:\"rec\""#)
        XCTAssertEqual(ours.rawText, expected)

        try php("work.php", ["--queue=reference", "--stop-when-empty", "--sleep=0.1", "--name=bus"])
        let runs = try records("rec").filter { $0["outcome"] as? String == "ok" }
        XCTAssertEqual(runs.map { $0["worker"] as? String }, ["shuttle:bus", "php:bus", "php:bus"])
        XCTAssertEqual(runs.first?["uuid"] as? String, first.uuid)
        XCTAssertEqual(runs.dropFirst().first?["uuid"] as? String, ours.uuid)
        XCTAssertEqual(Set(runs.compactMap { $0["uuid"] as? String }).count, 3)
        XCTAssertEqual(try sizes("reference"), [0, 0, 0])
    }

    /// A failing job stops the chain: nothing is pushed.
    func testFailedJobStopsTheChain() async throws {
        try dispatch("chain", "--json", #"{"record":"rec","failAttempts":1}"#)
        let redis = try await connect()
        let ran = await runShuttle(ProbeJob.phpClass, ProbeJob(redis: redis, workerName: "shuttle:bus"), redis: redis)
        XCTAssertEqual(ran, 1)
        XCTAssertEqual(try records("rec").map { $0["outcome"] as? String }, ["started", "exception"])
        XCTAssertEqual(try sizes("default"), [0, 0, 0])
    }

    // MARK: #29 Batches

    func testBatchCountersFollowShuttlesSuccesses() async throws {
        let batch = try dispatchBatch(#"{"record":"rec"}"#)
        let redis = try await connect()
        let database = try SQLiteConnection(path: databasePath)
        defer { database.close() }
        let repository = DatabaseBatchRepository(connection: database)
        let probe = ProbeJob(redis: redis, workerName: "shuttle:bus")

        let ran = await runShuttle("App\\Jobs\\BatchedProbe", probe, maxJobs: 2, batches: repository, redis: redis)
        XCTAssertEqual(ran, 2)
        var row = try batchRow(batch)
        XCTAssertEqual(row["pending_jobs"] as? Int, 1)
        XCTAssertEqual(row["failed_jobs"] as? Int, 0)
        XCTAssertTrue(row["finished_at"] is NSNull)

        let before = Int(Date().timeIntervalSince1970)
        let rest = await runShuttle("App\\Jobs\\BatchedProbe", probe, batches: repository, redis: redis)
        XCTAssertEqual(rest, 1)
        row = try batchRow(batch)
        XCTAssertEqual(row["pending_jobs"] as? Int, 0)
        let finished = try XCTUnwrap(row["finished_at"] as? Int)
        XCTAssertGreaterThanOrEqual(finished, before)
        XCTAssertTrue(row["cancelled_at"] is NSNull)
        XCTAssertEqual(row["failed_job_ids"] as? String, "[]")
        XCTAssertEqual(try records("rec").filter { $0["outcome"] as? String == "ok" }.count, 3)
    }

    func testBatchFailureIsRecordedAndCancelsTheBatch() async throws {
        let batch = try dispatchBatch(#"{"failAttempts":1}"#)
        let failing = try XCTUnwrap(try Payload(bytes: try XCTUnwrap(try lrange("queues:default").first)).uuid)
        let redis = try await connect()
        let database = try SQLiteConnection(path: databasePath)
        defer { database.close() }
        let repository = DatabaseBatchRepository(connection: database)
        let probe = ProbeJob(redis: redis, workerName: "shuttle:bus")

        let before = Int(Date().timeIntervalSince1970)
        let ran = await runShuttle("App\\Jobs\\BatchedProbe", probe, maxJobs: 1, batches: repository, redis: redis)
        XCTAssertEqual(ran, 1)
        let row = try batchRow(batch)
        XCTAssertEqual(row["failed_jobs"] as? Int, 1)
        XCTAssertEqual(row["pending_jobs"] as? Int, 3)
        XCTAssertEqual(row["failed_job_ids"] as? String, "[\"\(failing)\"]")
        let cancelled = try XCTUnwrap(row["cancelled_at"] as? Int, "failures are not allowed: cancelled")
        XCTAssertGreaterThanOrEqual(cancelled, before)
        XCTAssertEqual(row["finished_at"] as? Int, cancelled)
        // Laravel's own view of the batch agrees.
        let code = #"$app = require getenv('BOOTSTRAP'); $b = app(Illuminate\Bus\BatchRepository::class)->find($argv[1]); echo json_encode([$b->cancelled(), $b->failedJobs, $b->pendingJobs]);"#
        let php = try ProcessRunner.run(["php", "-r", code, batch], environment: environment.merging(
            ["BOOTSTRAP": scripts.appendingPathComponent("bootstrap.php").path]) { $1 })
        XCTAssertEqual(php.stdoutText, "[true,1,3]")
    }

    // MARK: - Shuttle side

    /// Runs Shuttle's worker in-process (Laravel 8 rules, `--tries=1`) until the queues are empty or
    /// `maxJobs` ran; returns the number of jobs processed.
    private func runShuttle(_ phpClass: String, _ handler: any JobHandler, queues: [String] = ["default"], maxJobs: Int = 0,
                            locks: (any LockProvider)? = nil, batches: DatabaseBatchRepository? = nil,
                            middleware: [any JobMiddleware] = [], redis: RedisConnection? = nil) async -> Int {
        do {
            let connection: RedisConnection
            if let redis { connection = redis } else { connection = try await connect() }
            var registry = JobRegistry()
            try registry.register(phpClass, handler)
            var options = WorkerOptions()
            options.memory = 0  // no --memory limit: this worker runs inside the test process, whose RSS is not its own
            options.queues = queues
            options.stopWhenEmpty = true
            options.sleep = 0.05
            options.maxJobs = maxJobs
            let services = WorkerServices(middleware: middleware + [BusMiddleware(bus: BusServices(locks: locks, batches: batches))],
                                          laravelVersion: .v8, logger: Self.logger)
            let worker = Worker(queue: RedisQueue(redis: connection), registry: registry, options: options, services: services,
                                maintenanceInterval: .milliseconds(50))
            _ = await worker.run()
            return worker.jobsProcessed
        } catch {
            XCTFail("\(error)")
            return 0
        }
    }

    private static let logger = Logger(label: "shuttle.test.bus") { StreamLogHandler.standardError(label: $0) }

    private func connect() async throws -> RedisConnection {
        try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), database: 0, keyPrefix: prefix))
    }

    // MARK: - PHP side

    @discardableResult
    private func php(_ script: String, _ arguments: [String] = []) throws -> ProcessResult {
        try ProcessRunner.php(scripts.appendingPathComponent(script).path, arguments, environment: environment)
    }

    @discardableResult
    private func dispatch(_ job: String, _ arguments: String...) throws -> [(uuid: String, id: String)] {
        try php("dispatch.php", [job] + arguments).stdoutText.split(separator: "\n").map { line in
            let parts = line.split(separator: " ").map(String.init)
            return (uuid: parts.first ?? "", id: parts.last ?? "")
        }
    }

    /// dispatch.php batch (3 BatchedProbes); returns the batch id it reports on stderr.
    private func dispatchBatch(_ properties: String) throws -> String {
        let result = try php("dispatch.php", ["batch", "--json", properties])
        for line in result.stderrText.split(separator: "\n") where line.hasPrefix("{") {
            let event = try json(Array(line.utf8))
            if event["event"] as? String == "batch", let id = event["id"] as? String { return id }
        }
        throw XCTSkip("dispatch.php printed no batch id: \(result.stderrText)")
    }

    private func batchRow(_ id: String) throws -> [String: Any] {
        let code = #"$p = new PDO('sqlite:'.getenv('DB_DATABASE')); $s = $p->prepare('select * from job_batches where id = ?'); $s->execute([$argv[1]]); echo json_encode($s->fetch(PDO::FETCH_ASSOC));"#
        return try json(ProcessRunner.run(["php", "-r", code, id], environment: environment).stdout)
    }

    private func redisCLI(_ arguments: [String]) throws -> ProcessResult {
        let port = String(try TestEnvironment.redisPort())
        return try ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", port, "--raw"] + arguments)
    }

    private func lrange(_ key: String) throws -> [[UInt8]] {
        let out = try redisCLI(["lrange", prefix + key, "0", "-1"]).stdout
        return out.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// Ready, delayed and reserved counts.
    private func sizes(_ queue: String) throws -> [Int] {
        func count(_ command: String, _ key: String) throws -> Int {
            Int(try redisCLI([command, prefix + key]).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        return [try count("llen", "queues:\(queue)"), try count("zcard", "queues:\(queue):delayed"),
                try count("zcard", "queues:\(queue):reserved")]
    }

    private func records(_ key: String) throws -> [[String: Any]] { try lrange(key).map(json) }

    private func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
}

extension [UInt8] {
    fileprivate var text: String { String(decoding: self, as: UTF8.self) }
}

/// `App\Jobs\UniqueJob` run by Shuttle: declares PHP's `uniqueId()` (`$accountId`) and notes whether the
/// lock was still held while it ran.
private final class UniqueProbe: UniqueJobHandler, Sendable {
    let locks: any LockProvider
    let fails: Bool
    let uniqueUntilProcessing: Bool
    let lockHeldWhileRunning = Recorded<Bool>()
    /// The key PHP's Laravel 8 `UniqueLock` uses for the harness job (no separator before v11).
    let key = UniqueLock(version: .v8).key(className: "App\\Jobs\\UniqueJob", uniqueId: "acc_unique_1")

    init(locks: any LockProvider, fails: Bool = false, untilProcessing: Bool = false) {
        self.locks = locks
        self.fails = fails
        self.uniqueUntilProcessing = untilProcessing
    }

    func uniqueId(for command: PHPObject) -> String { command["accountId"]?.stringValue ?? "" }

    func handle(_ context: JobContext) async throws {
        lockHeldWhileRunning.append(try await locks.owner(of: key) != nil)
        if fails { throw JobException("RuntimeException", "unique job failed") }
    }
}

/// Notes the length of a queue's ready list at the moment Shuttle deletes a finished job.
private final class PushOrderProbe: JobMiddleware, Sendable {
    let redis: RedisConnection
    let queue: String
    let readyWhenDeleted = Recorded<Int>()

    init(redis: RedisConnection, queue: String) {
        self.redis = redis
        self.queue = queue
    }

    func jobEvent(_ event: JobEvent) async {
        guard case .deleted = event else { return }
        let length = try? await redis.send(RedisCommand("LLEN", [.key("queues:" + queue)])).int
        readyWhenDeleted.append(length ?? -1)
    }
}

/// A thread-safe list for values recorded inside handlers.
private final class Recorded<T: Sendable>: Sendable {
    private let storage = Mutex<[T]>([])
    func append(_ value: T) { storage.withLock { $0.append(value) } }
    var value: [T] { storage.withLock { $0 } }
}
