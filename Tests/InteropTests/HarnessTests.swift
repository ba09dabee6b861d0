import Foundation
import TestSupport
import XCTest

/// Smoke test of scripts/laravel: PHP dispatches with Laravel's dispatcher, the real `queue:work` runs the jobs and
/// `queue:retry` re-pushes failures, against the test Redis (each test under its own key prefix) and a temp SQLite.
final class HarnessTests: XCTestCase {
    private var environment: [String: String] = [:]
    private var prefix = ""
    private let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel")

    override func setUpWithError() throws {
        let directory = try TestEnvironment.temporaryDirectory("harness")
        prefix = "harness_\(UUID().uuidString.prefix(8).lowercased())_"
        environment = [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()),
            "REDIS_DB": "0", "REDIS_CACHE_DB": "1", "REDIS_PREFIX": prefix,
            "QUEUE_CONNECTION": "redis", "CACHE_DRIVER": "redis", "REDIS_QUEUE": "default",
            "DB_CONNECTION": "sqlite", "DB_DATABASE": directory.appendingPathComponent("db.sqlite").path,
            "SHUTTLE_STORAGE_PATH": directory.appendingPathComponent("storage").path,
        ]
        try php("migrate.php")
    }

    override func tearDownWithError() throws {
        let script = "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        for db in ["0", "1"] { _ = try? redis(["-n", db, "eval", script, "0", prefix + "*"]) }
    }

    func testProbeRunsOnTheRealWorkerAndRecordsItsRun() throws {
        let pushed = try dispatch("probe", "--json", #"{"record":"rec","sleep":0.05}"#)
        XCTAssertEqual(pushed.count, 1)
        let worker = try php("work.php", ["--stop-when-empty", "--sleep=0.1", "--name=harness"])

        let entries = try records("rec")
        XCTAssertEqual(entries.map { $0["outcome"] as? String }, ["started", "ok"])
        for entry in entries {
            XCTAssertEqual(entry["uuid"] as? String, pushed.first?.uuid)
            XCTAssertEqual(entry["attempt"] as? Int, 1)
            XCTAssertEqual(entry["worker"] as? String, "php:harness")
        }
        let started = try XCTUnwrap(entries.last?["started"] as? Double)
        let ended = try XCTUnwrap(entries.last?["ended"] as? Double)
        XCTAssertGreaterThanOrEqual(ended - started, 0.05)
        let processed = try events(worker).filter { $0["event"] as? String == "processed" }
        XCTAssertEqual(processed.map { $0["id"] as? String }, [pushed.first?.id])
        XCTAssertEqual(try redis(["llen", prefix + "queues:default"]), "0\n")
        XCTAssertEqual(try redis(["zcard", prefix + "queues:default:reserved"]), "0\n")
        XCTAssertEqual(try failedJobs().count, 0)
    }

    func testFailingJobIsStoredInFailedJobsAndRetriedByArtisan() throws {
        let pushed = try XCTUnwrap(try dispatch("fails").first)
        // Attempt 1 is released with backoff 1 s, attempt 2 (tries 2) fails the job.
        try php("work.php", ["--max-jobs=2", "--sleep=0.2", "--max-time=20"])

        let failed = try failedJobs()
        XCTAssertEqual(failed.count, 1)
        XCTAssertEqual(failed.first?["uuid"] as? String, pushed.uuid)
        XCTAssertEqual(failed.first?["connection"] as? String, "redis")
        XCTAssertEqual(failed.first?["queue"] as? String, "default")
        let stored = try json(Array((failed.first?["payload"] as? String ?? "").utf8))
        XCTAssertEqual(stored["attempts"] as? Int, 1)
        XCTAssertEqual(try redis(["llen", prefix + "queues:default"]), "0\n")

        try php("artisan.php", ["queue:retry", "all"])
        XCTAssertEqual(try failedJobs().count, 0)
        let list = try lrange("queues:default")
        XCTAssertEqual(list.count, 1)
        let retried = try XCTUnwrap(list.first)
        // Same job (uuid and id kept), attempts reset, re-encoded without JSON_UNESCAPED_UNICODE: as fails.retried.json.
        let expected = try fixture("laravel8/fails.retried.json", uuid: pushed.uuid, id: pushed.id)
        XCTAssertEqual(try json(retried) as NSDictionary, try json(expected) as NSDictionary)
        XCTAssertTrue(String(decoding: retried, as: UTF8.self).contains(#"\u2014"#))
    }

    /// Same configuration as the fixtures' harness: apart from uuid and id, the pushed bytes are the fixtures'.
    func testPushedPayloadsHaveTheFixtureBytes() throws {
        let cases: [(job: String, arguments: [String], queue: String, fixture: String)] = [
            ("noop", [], "default", "noop.json"),
            ("fails", [], "default", "fails.json"),
            ("release", [], "default", "release.json"),
            ("unique", ["--count", "2"], "default", "unique.json"),
            ("model", ["--queue", "pull"], "pull", "monzo-pull.json"),
        ]
        for c in cases {
            let pushed = try dispatch(c.job, c.arguments)
            XCTAssertEqual(pushed.count, 1, c.job)
            let bytes = try XCTUnwrap(try lrange("queues:\(c.queue)").last, c.job)
            let expected = try fixture("laravel8/\(c.fixture)", uuid: pushed[0].uuid, id: pushed[0].id)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), String(decoding: expected, as: UTF8.self), c.job)
        }
    }

    /// pcntl: the worker arms SIGALRM for the payload timeout, then SIGKILLs itself; the run leaves only "started".
    func testTimeoutKillsTheWorkerMidJob() throws {
        try dispatch("probe", "--json", #"{"record":"rec","sleep":5,"timeout":1,"tries":3}"#)
        let worker = try php("work.php", ["--stop-when-empty", "--sleep=0.1"], check: false)
        XCTAssertEqual(worker.status, 9, worker.stderrText)
        XCTAssertEqual(try records("rec").map { $0["outcome"] as? String }, ["started"])
        XCTAssertEqual(try redis(["zcard", prefix + "queues:default:reserved"]), "1\n")
    }

    // MARK: - Helpers

    @discardableResult
    private func php(_ script: String, _ arguments: [String] = [], check: Bool = true) throws -> ProcessResult {
        try ProcessRunner.php(scripts.appendingPathComponent(script).path, arguments, environment: environment, check: check)
    }

    /// Runs dispatch.php; returns its "<uuid> <id>" lines.
    @discardableResult
    private func dispatch(_ job: String, _ arguments: String...) throws -> [(uuid: String, id: String)] {
        try dispatch(job, arguments)
    }

    private func dispatch(_ job: String, _ arguments: [String]) throws -> [(uuid: String, id: String)] {
        let result = try php("dispatch.php", [job] + arguments)
        var pushed: [(uuid: String, id: String)] = []
        for line in result.stdoutText.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            XCTAssertEqual(parts.count, 2, "dispatch.php printed \(line)")
            pushed.append((uuid: parts.first ?? "", id: parts.last ?? ""))
        }
        return pushed
    }

    private func redis(_ arguments: [String]) throws -> String {
        try redisBytes(arguments).stdoutText
    }

    private func redisBytes(_ arguments: [String]) throws -> ProcessResult {
        let port = String(try TestEnvironment.redisPort())
        return try ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", port, "--raw"] + arguments)
    }

    /// Members of a list (key without prefix), exact bytes (payloads never hold a raw newline).
    private func lrange(_ key: String) throws -> [[UInt8]] {
        let out = try redisBytes(["lrange", prefix + key, "0", "-1"]).stdout
        return out.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    private func records(_ key: String) throws -> [[String: Any]] {
        try lrange(key).map(json)
    }

    private func failedJobs() throws -> [[String: Any]] {
        let code = #"$p = new PDO('sqlite:'.getenv('DB_DATABASE')); echo json_encode($p->query('select * from failed_jobs order by id')->fetchAll(PDO::FETCH_ASSOC));"#
        let out = try ProcessRunner.phpCode(code, environment: environment).stdout
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out)) as? [[String: Any]])
    }

    /// The worker's JSON event lines (stderr).
    private func events(_ result: ProcessResult) throws -> [[String: Any]] {
        result.stderr.split(separator: UInt8(ascii: "\n"))
            .filter { $0.first == UInt8(ascii: "{") }
            .compactMap { try? json(Array($0)) }
    }

    private func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// A fixture's bytes with its own uuid and id replaced by ours.
    private func fixture(_ path: String, uuid: String, id: String) throws -> [UInt8] {
        let bytes = try TestEnvironment.fixture(path)
        let object = try json(bytes)
        let theirUUID = try XCTUnwrap(object["uuid"] as? String)
        let theirID = try XCTUnwrap(object["id"] as? String)
        let text = String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: theirUUID, with: uuid)
            .replacingOccurrences(of: theirID, with: id)
        return Array(text.utf8)
    }
}
