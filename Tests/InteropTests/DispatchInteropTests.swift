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

/// `Dispatcher` against the real Laravel 8 of scripts/laravel: what Swift pushes is byte for byte what PHP's own
/// `dispatch()` pushes (uuid and id aside), and PHP's real `queue:work` runs it: probes (recorded runs, delays,
/// bulk, retries), an encrypted job and a SerializesModels job whose model it restores from SQLite.
/// Each test uses its own key prefix on the test Redis and its own SQLite file.
final class DispatchInteropTests: XCTestCase {
    private var environment: [String: String] = [:]
    private var prefix = ""
    private var database = ""
    private let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel")
    /// The harness's default APP_KEY (scripts/laravel/README.md).
    private let appKey = "base64:cGVlci1maXhlZC1hcHAta2V5LTAxMjM0NTY3ODlhYmM="

    override func setUpWithError() throws {
        let directory = try TestEnvironment.temporaryDirectory("dispatch")
        prefix = "dispatch_\(UUID().uuidString.prefix(8).lowercased())_"
        database = directory.appendingPathComponent("db.sqlite").path
        environment = [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()),
            "REDIS_DB": "0", "REDIS_CACHE_DB": "1", "REDIS_PREFIX": prefix, "APP_KEY": appKey,
            "QUEUE_CONNECTION": "redis", "CACHE_DRIVER": "redis", "REDIS_QUEUE": "default",
            "DB_CONNECTION": "sqlite", "DB_DATABASE": database,
            "SHUTTLE_STORAGE_PATH": directory.appendingPathComponent("storage").path,
        ]
        try php("migrate.php")
    }

    override func tearDownWithError() throws {
        let script = "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        for db in ["0", "1"] { _ = try? redis(["-n", db, "eval", script, "0", prefix + "*"]) }
    }

    // MARK: Byte for byte against PHP's dispatch

    func testProbePayloadsAreWhatPHPDispatches() async throws {
        let cases: [(json: String, probe: ProbeDispatch, queue: String?, delay: Int?)] = [
            ("{}", ProbeDispatch(), nil, nil),
            (#"{"sleep":1,"backoff":[1,2]}"#, ProbeDispatch(sleep: 1, backoff: .list([1, 2])), nil, nil),
            (#"{"sleep":0.05,"failAttempts":2,"record":"rec:1","tries":3,"backoff":5,"timeout":30,"failOnTimeout":true}"#,
             ProbeDispatch(sleep: 0.05, failAttempts: 2, record: "rec:1", tries: 3, backoff: .seconds(5), timeout: 30, failOnTimeout: true),
             "probes", nil),
            (#"{"record":"r","tries":1,"backoff":[0]}"#, ProbeDispatch(record: "r", tries: 1, backoff: .list([0])), "later", 60),
        ]
        let queue = try await redisQueue()
        for c in cases {
            var arguments = ["--json", c.json]
            if let q = c.queue { arguments += ["--queue", q] }
            if let d = c.delay { arguments += ["--delay", String(d)] }
            let pushed = try XCTUnwrap(try dispatch("probe", arguments).first, c.json)
            let php = try takeMembers(queue: c.queue ?? "default", delayed: c.delay != nil)
            XCTAssertEqual(php.count, 1, c.json)

            let swift = try await Dispatcher(identity: { PayloadIdentity(uuid: pushed.uuid, id: pushed.id, createdAt: 0, pushedAt: "") })
                .dispatch(c.probe.pendingJob(queue: c.queue, delay: c.delay, version: .v8), on: queue)
            let ours = try takeMembers(queue: c.queue ?? "default", delayed: c.delay != nil)
            XCTAssertEqual(swift.map(\.uuid), [pushed.uuid])
            XCTAssertEqual(swift.map(\.id), [pushed.id])
            XCTAssertEqual(ours.map(\.bytes), [swift[0].payload.rawBytes], c.json)
            XCTAssertEqual(ours.first.map { String(decoding: $0.bytes, as: UTF8.self) }, php.first.map { String(decoding: $0.bytes, as: UTF8.self) }, c.json)
            if let delay = c.delay, let phpScore = php.first?.score, let ourScore = ours.first?.score {
                XCTAssertEqual(swift[0].availableAt, ourScore)
                XCTAssertEqual(Double(ourScore), Double(phpScore), accuracy: 2, "both at dispatch time + \(delay)")
            }
        }
    }

    func testModelJobPayloadIsWhatPHPDispatches() async throws {
        let pushed = try XCTUnwrap(try dispatch("model", ["--queue", "pull"]).first)
        let php = try takeMembers(queue: "pull", delayed: false)
        let job = try monzoAccountPull(id: "3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f")
        let swift = try await Dispatcher(identity: { PayloadIdentity(uuid: pushed.uuid, id: pushed.id, createdAt: 0, pushedAt: "") })
            .dispatch(job, on: try await redisQueue())
        XCTAssertEqual(try takeMembers(queue: "pull", delayed: false).map(\.bytes), php.map(\.bytes))
        XCTAssertEqual(swift.first?.payload.rawBytes, php.first?.bytes)
    }

    // MARK: PHP's worker runs what Swift dispatched

    func testRecordedProbeRunsOnThePHPWorker() async throws {
        let jobs = try await Dispatcher().dispatch(ProbeDispatch(sleep: 0.05, record: "rec").pendingJob(version: .v8), on: try await redisQueue())
        let worker = try php("work.php", ["--stop-when-empty", "--sleep=0.1", "--name=w1"])
        let entries = try records("rec")
        XCTAssertEqual(entries.map { $0["outcome"] as? String }, ["started", "ok"])
        XCTAssertEqual(Set(entries.compactMap { $0["uuid"] as? String }), [jobs[0].uuid])
        XCTAssertEqual(entries.map { $0["attempt"] as? Int }, [1, 1])
        XCTAssertEqual(entries.first?["worker"] as? String, "php:w1")
        XCTAssertEqual(try events(worker, "processed").map { $0["id"] as? String }, [jobs[0].id])
        XCTAssertEqual(try redis(["llen", prefix + "queues:default"]), "0\n")
    }

    func testBulkProbesAndPayloadRetriesRunOnThePHPWorker() async throws {
        let queue = try await redisQueue()
        let bulk = try await Dispatcher().dispatch(ProbeDispatch(record: "bulk").pendingJob(queue: "many", count: 3, version: .v8), on: queue)
        XCTAssertEqual(Set(bulk.map(\.uuid)).count, 3)
        // Fails attempt 1; the payload's maxTries 2 and backoff 0 (from the properties) let attempt 2 succeed.
        let retried = try await Dispatcher().dispatch(
            ProbeDispatch(failAttempts: 1, record: "retry", tries: 2, backoff: .seconds(0)).pendingJob(queue: "many", version: .v8), on: queue)
        let worker = try php("work.php", ["--queue=many", "--stop-when-empty", "--sleep=0.1"])

        let entries = try records("bulk")
        XCTAssertEqual(Set(entries.compactMap { $0["uuid"] as? String }), Set(bulk.map(\.uuid)))
        XCTAssertEqual(entries.filter { $0["outcome"] as? String == "ok" }.count, 3)
        let retries = try records("retry")
        XCTAssertEqual(retries.map { $0["outcome"] as? String }, ["started", "exception", "started", "ok"])
        XCTAssertEqual(retries.map { $0["attempt"] as? Int }, [1, 1, 2, 2])
        XCTAssertEqual(Set(retries.compactMap { $0["uuid"] as? String }), [retried[0].uuid])
        XCTAssertEqual(try events(worker, "failed").count, 0)
    }

    func testDelayedProbeIsPickedUpOnlyAfterItsDelay() async throws {
        let jobs = try await Dispatcher().dispatch(ProbeDispatch(record: "late").pendingJob(delay: 3, version: .v8), on: try await redisQueue())
        let availableAt = try XCTUnwrap(jobs.first?.availableAt)
        try php("work.php", ["--stop-when-empty", "--sleep=0.1"])
        XCTAssertEqual(try records("late").count, 0, "not run before its delay")
        XCTAssertEqual(try redis(["zcard", prefix + "queues:default:delayed"]), "1\n")

        while Int(Date().timeIntervalSince1970) <= availableAt { try await Task.sleep(for: .milliseconds(200)) }
        let worker = try php("work.php", ["--stop-when-empty", "--sleep=0.1"])
        let entries = try records("late")
        XCTAssertEqual(entries.map { $0["outcome"] as? String }, ["started", "ok"])
        let started = try XCTUnwrap(entries.first?["started"] as? Double)
        XCTAssertGreaterThanOrEqual(started, Double(availableAt))
        XCTAssertEqual(try events(worker, "processed").map { $0["uuid"] as? String }, [jobs[0].uuid])
        XCTAssertEqual(try redis(["zcard", prefix + "queues:default:delayed"]), "0\n")
    }

    /// `App\Jobs\EncryptedJob` throws unless its protected `$accessToken` is the expected one, so a success proves
    /// PHP decrypted Swift's command and a failure with the job's own message proves the value travelled.
    func testEncryptedJobIsDecryptedByThePHPWorker() async throws {
        let dispatcher = Dispatcher(encrypter: try Encrypter(appKey: appKey))
        let queue = try await redisQueue()
        func job(_ token: String) throws -> PendingJob {
            try PendingJob(className: "App\\Jobs\\EncryptedJob", propertiesJSON: #"{"tries":1,"*accessToken":"\#(token)"}"#,
                           version: .v8, encrypted: true)
        }
        let good = try await dispatcher.dispatch(try job("tok_peer_0123456789"), on: queue)
        let bad = try await dispatcher.dispatch(try job("tok_other"), on: queue)
        XCTAssertEqual(good.first?.payload.isCommandEncrypted, true)
        let worker = try php("work.php", ["--stop-when-empty", "--sleep=0.1"])
        XCTAssertEqual(try events(worker, "processed").compactMap { $0["uuid"] as? String }, [good[0].uuid])
        let failed = try events(worker, "failed")
        XCTAssertEqual(failed.map { $0["uuid"] as? String }, [bad[0].uuid])
        XCTAssertEqual(failed.first?["message"] as? String, "encrypted command not restored")
    }

    /// `MonzoAccountPull::handle()` throws unless its `Integration` was restored from the database.
    func testModelPropertyIsRestoredByThePHPWorker() async throws {
        let id = UUID().uuidString.lowercased()
        try ProcessRunner.phpCode(#"$p = new PDO('sqlite:'.getenv('DB_DATABASE')); $p->prepare("insert into integrations (id, provider) values (?, 'monzo')")->execute([getenv('ROW')]);"#,
                                  environment: ["DB_DATABASE": database, "ROW": id])
        let queue = try await redisQueue()
        let present = try await Dispatcher().dispatch(try monzoAccountPull(id: id), on: queue)
        let missing = try await Dispatcher().dispatch(try monzoAccountPull(id: UUID().uuidString.lowercased()), on: queue)
        let worker = try php("work.php", ["--queue=pull", "--stop-when-empty", "--sleep=0.1"])
        XCTAssertEqual(try events(worker, "processed").compactMap { $0["uuid"] as? String }, [present[0].uuid])
        let failed = try events(worker, "failed")
        XCTAssertEqual(failed.map { $0["uuid"] as? String }, [missing[0].uuid])
        XCTAssertEqual(failed.first?["exception"] as? String, "Illuminate\\Database\\Eloquent\\ModelNotFoundException")
        XCTAssertEqual(try events(worker, "exception-occurred").map { $0["uuid"] as? String }, [missing[0].uuid], "only the missing model fails")
    }

    // MARK: - Helpers

    private func monzoAccountPull(id: String) throws -> PendingJob {
        try PendingJob(className: "App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull",
                       propertiesJSON: #"{"timeout":120,"tries":3,"backoff":[60,300,600],"*integration":{"@model":"App\\Models\\Integration","id":"\#(id)","connection":"sqlite"}}"#,
                       queue: "pull", version: .v8)
    }

    private func redisQueue() async throws -> RedisQueue {
        let connection = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), keyPrefix: prefix))
        return RedisQueue(redis: connection)
    }

    @discardableResult
    private func php(_ script: String, _ arguments: [String] = []) throws -> ProcessResult {
        try ProcessRunner.php(scripts.appendingPathComponent(script).path, arguments, environment: environment)
    }

    private func dispatch(_ job: String, _ arguments: [String]) throws -> [(uuid: String, id: String)] {
        try php("dispatch.php", [job] + arguments).stdoutText.split(separator: "\n").map {
            let parts = $0.split(separator: " ").map(String.init)
            return (uuid: parts.first ?? "", id: parts.last ?? "")
        }
    }

    private func redis(_ arguments: [String]) throws -> String { try redisBytes(arguments).stdoutText }

    private func redisBytes(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", String(try TestEnvironment.redisPort()), "--raw"] + arguments)
    }

    /// Removes and returns the queue's ready list (or its `:delayed` members with scores), exact bytes, and its
    /// notify tokens. Payloads never contain a raw newline.
    private func takeMembers(queue: String, delayed: Bool) throws -> [(bytes: [UInt8], score: Int?)] {
        let key = prefix + "queues:\(queue)" + (delayed ? ":delayed" : "")
        let out = try redisBytes(delayed ? ["zrange", key, "0", "-1", "withscores"] : ["lrange", key, "0", "-1"]).stdout
        let lines = out.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
        _ = try redis(["del", key, prefix + "queues:\(queue):notify"])
        guard delayed else { return lines.map { (bytes: $0, score: nil) } }
        return stride(from: 0, to: lines.count - 1, by: 2).map { (bytes: lines[$0], score: Int(String(decoding: lines[$0 + 1], as: UTF8.self))) }
    }

    private func records(_ key: String) throws -> [[String: Any]] {
        let out = try redisBytes(["lrange", prefix + key, "0", "-1"]).stdout
        return try out.split(separator: UInt8(ascii: "\n")).map { try json(Array($0)) }
    }

    /// The worker's JSON event lines (stderr) of one kind.
    private func events(_ result: ProcessResult, _ kind: String) throws -> [[String: Any]] {
        result.stderr.split(separator: UInt8(ascii: "\n"))
            .filter { $0.first == UInt8(ascii: "{") }
            .compactMap { try? json(Array($0)) }
            .filter { $0["event"] as? String == kind }
    }

    private func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
}
