import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import TestSupport
import XCTest

/// `shuttle failed / retry / forget / flush / clear` as processes, beside Laravel 8's artisan commands on
/// copies of the same `failed_jobs` table and the same Redis keys (under a second prefix): same output
/// where artisan has one, same bytes pushed, same rows and keys left.
final class CLIFailedJobsTests: XCTestCase {
    private var cli: CLIHarness!

    override func setUpWithError() throws {
        cli = try CLIHarness(label: "cli-failed")
        try cli.php("migrate.php")
    }

    override func tearDownWithError() throws {
        cli?.cleanup()
    }

    /// Dispatches `count` AlwaysFailsJobs and lets PHP's worker fail them (tries 2, backoff 1 s); returns their uuids.
    private func failJobs(_ count: Int) throws -> [String] {
        let pushed = try cli.php("dispatch.php", ["fails", "--count", String(count)]).stdoutText
            .split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertEqual(pushed.count, count)
        try cli.php("work.php", ["--max-jobs=\(2 * count)", "--sleep=0.2", "--max-time=30"])
        XCTAssertEqual(Set(try cli.failedRows().compactMap { $0["uuid"] as? String }), Set(pushed))
        return pushed
    }

    func testFailedListsWhatQueueFailedLists() throws {
        let empty = try cli.shuttle(["failed"])
        XCTAssertEqual(empty.stdoutText, "No failed jobs!\n")
        let uuids = try failJobs(2)
        let ours = try cli.shuttle(["failed"])
        let artisan = try cli.php("artisan.php", ["queue:failed"])
        XCTAssertEqual(ours.stdoutText, artisan.stdoutText)
        XCTAssertEqual(ours.status, 0)
        let json = try cli.shuttle(["failed", "--json"])
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout)) as? [[String: String]])
        XCTAssertEqual(Set(list.compactMap { $0["id"] }), Set(uuids))
        XCTAssertEqual(list.map { $0["id"] }, try cli.failedRows().map { $0["uuid"] as? String }.reversed(), "newest first")
        XCTAssertEqual(Set(list.map { $0["class"] }), ["App\\Jobs\\AlwaysFailsJob"])
    }

    /// Spec §10 #32: attempts 0, same uuid and id, plain json_encode (`\u` escapes) — byte for byte artisan's.
    func testRetryPushesTheBytesArtisanPushes() throws {
        let uuids = try failJobs(3)
        let record = try XCTUnwrap(try cli.failedRows().first { $0["uuid"] as? String == uuids[0] })
        let stored = Array((record["payload"] as? String ?? "").utf8)
        let php = try cli.copy(prefix: "php_")

        // The failed_jobs payload as inspect shows it.
        let inspected = try cli.shuttle(["inspect", "--failed", uuids[0]])
        XCTAssertEqual(inspected.stdoutText, try JSONPrettyPrinter.print(try PayloadInspector().inspect(stored)) + "\n")

        // One id, then the rest with `all`, on both sides.
        let one = try cli.shuttle(["retry", uuids[0]])
        XCTAssertEqual(one.stdoutText, "The failed job [\(uuids[0])] has been pushed back onto the queue!\n")
        try php.php("artisan.php", ["queue:retry", uuids[0]])
        let ourFirst = try cli.lrange("queues:default")
        XCTAssertEqual(ourFirst, try php.lrange("queues:default"))
        let pushed = try Payload(bytes: try XCTUnwrap(ourFirst.first))
        let before = try Payload(bytes: stored)
        XCTAssertEqual(before.attempts, 1)
        XCTAssertEqual(pushed.attempts, 0)
        XCTAssertEqual(pushed.uuid, uuids[0])
        XCTAssertEqual(pushed.id, before.id)
        XCTAssertTrue(pushed.rawText.contains(#"\u00fc"#), pushed.rawText)

        try cli.shuttle(["retry", "all"])
        try php.php("artisan.php", ["queue:retry", "all"])
        let ours = try cli.lrange("queues:default")
        XCTAssertEqual(ours.count, 3)
        XCTAssertEqual(ours, try php.lrange("queues:default"))
        XCTAssertEqual(try cli.failedRows().count, 0)
        XCTAssertEqual(try php.failedRows().count, 0)

        // The next one in line, read back from Redis.
        let next = try cli.shuttle(["inspect", "--queue", "default", "--index", "0"])
        XCTAssertEqual(next.stdoutText, try JSONPrettyPrinter.print(try PayloadInspector().inspect(ours[0])) + "\n")

        let missing = try cli.shuttle(["retry", "no-such-id"], check: false)
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderrText, "Unable to find failed job with ID [no-such-id].\n")
    }

    func testForgetAndFlushLeaveTheRowsArtisanLeaves() throws {
        let uuids = try failJobs(3)
        let php = try cli.copy(prefix: "php_")
        XCTAssertEqual(try cli.shuttle(["forget", uuids[1]]).stdoutText, "Failed job deleted successfully!\n")
        try php.php("artisan.php", ["queue:forget", uuids[1]])
        XCTAssertEqual(try cli.failedRows().count, 2)
        XCTAssertEqual(try cli.failedRows() as NSArray, try php.failedRows() as NSArray)

        let again = try cli.shuttle(["forget", uuids[1]], check: false)
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderrText.filter { $0 == "\n" }.count, 1)
        XCTAssertTrue(again.stderrText.contains("No failed job matches the given ID."))

        // --hours: only what failed long enough ago (Laravel 8's prune-failed is the same cut, `<` vs `<=`).
        for db in [cli!, php] {
            try db.sql("update failed_jobs set failed_at = datetime('now', '-10 hours') where uuid = '\(uuids[0])'")
        }
        XCTAssertEqual(try cli.shuttle(["flush", "--hours", "5"]).stdoutText,
                       "All jobs that failed more than 5 hours ago have been deleted successfully.\n")
        try php.php("artisan.php", ["queue:prune-failed", "--hours=5"])
        XCTAssertEqual(try cli.failedRows().compactMap { $0["uuid"] as? String }, [uuids[2]])
        XCTAssertEqual(try cli.failedRows() as NSArray, try php.failedRows() as NSArray)

        try cli.shuttle(["flush"])
        try php.php("artisan.php", ["queue:flush"])
        XCTAssertEqual(try cli.failedRows().count, 0)
        XCTAssertEqual(try php.failedRows().count, 0)
    }

    func testClearEmptiesTheKeysArtisanEmpties() throws {
        let php = try cli.copy(prefix: "php_")
        for side in [cli!, php] {
            try side.php("dispatch.php", ["noop", "--count", "3"])
            try side.php("dispatch.php", ["noop", "--delay", "600"])
            try side.php("dispatch.php", ["noop", "--queue", "other"])
            try side.redis(["zadd", side.prefix + "queues:default:reserved", "9999999999", #"{"uuid":"r","attempts":1}"#])
        }
        let refused = try cli.shuttle(["clear", "default"], environment: ["APP_ENV": "production"], check: false)
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderrText.filter { $0 == "\n" }.count, 1)

        let ours = try cli.shuttle(["clear", "default"])
        let artisan = try php.php("artisan.php", ["queue:clear", "--queue=default"])
        XCTAssertEqual(ours.stdoutText, "Cleared 5 jobs from the [default] queue\n")
        XCTAssertEqual(ours.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines),
                       artisan.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(try cli.keys(), try php.keys())
        XCTAssertEqual(try cli.keys().filter { $0.hasPrefix("queues:default") }, [])
        XCTAssertEqual(try cli.lrange("queues:other").count, 1)
    }
}

/// One test's world: a Redis key prefix, a SQLite file, the Laravel harness and the shuttle binary, all
/// configured by the same environment (as a Laravel app's `.env` would).
final class CLIHarness {
    let directory: URL
    let prefix: String
    let environment: [String: String]
    private let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel")
    private let rootPrefix: String

    static let appKey = "base64:cGVlci1maXhlZC1hcHAta2V5LTAxMjM0NTY3ODlhYmM="

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "\(CLIHarness.binary.path) is missing: run `swift build` first (make test does)" }
    }

    static var binary: URL { TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle") }

    init(label: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else { throw MissingBinary() }
        directory = try TestEnvironment.temporaryDirectory(label)
        rootPrefix = "\(label.replacingOccurrences(of: "-", with: "_"))_\(UUID().uuidString.prefix(8).lowercased())_"
        prefix = rootPrefix
        environment = try Self.environment(directory: directory, database: directory.appendingPathComponent("db.sqlite"), prefix: rootPrefix)
    }

    private init(directory: URL, prefix: String, rootPrefix: String, environment: [String: String]) {
        self.directory = directory
        self.prefix = prefix
        self.rootPrefix = rootPrefix
        self.environment = environment
    }

    static func environment(directory: URL, database: URL, prefix: String) throws -> [String: String] {
        [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()),
            "REDIS_DB": "0", "REDIS_CACHE_DB": "1", "REDIS_PREFIX": prefix, "REDIS_CLIENT": "phpredis",
            "QUEUE_CONNECTION": "redis", "CACHE_DRIVER": "redis", "REDIS_QUEUE": "default",
            "DB_CONNECTION": "sqlite", "DB_DATABASE": database.path, "QUEUE_FAILED_DRIVER": "database-uuids",
            "SHUTTLE_STORAGE_PATH": directory.appendingPathComponent("storage").path,
            "APP_KEY": appKey, "APP_ENV": "testing", "SHUTTLE_LARAVEL_VERSION": "8",
        ]
    }

    /// A second world on a copy of this one's database, with its own prefix (under this one's, for cleanup).
    func copy(prefix suffix: String) throws -> CLIHarness {
        let source = URL(fileURLWithPath: environment["DB_DATABASE"] ?? "")
        let target = directory.appendingPathComponent("db-\(suffix)sqlite")
        try FileManager.default.copyItem(at: source, to: target)
        let env = try Self.environment(directory: directory, database: target, prefix: rootPrefix + suffix)
        return CLIHarness(directory: directory, prefix: rootPrefix + suffix, rootPrefix: rootPrefix, environment: env)
    }

    func cleanup() {
        let script = "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        for db in ["0", "1"] { _ = try? redis(["-n", db, "eval", script, "0", rootPrefix + "*"]) }
    }

    @discardableResult
    func php(_ script: String, _ arguments: [String] = [], check: Bool = true) throws -> ProcessResult {
        try ProcessRunner.php(scripts.appendingPathComponent(script).path, arguments, environment: environment, check: check)
    }

    /// Runs the built binary from a directory without a `.env`, configured only by the environment.
    @discardableResult
    func shuttle(_ arguments: [String], stdin: [UInt8] = [], environment extra: [String: String] = [:], check: Bool = true) throws -> ProcessResult {
        try ProcessRunner.run([Self.binary.path] + arguments, stdin: stdin, environment: environment.merging(extra) { $1 },
                              currentDirectory: directory, check: check)
    }

    @discardableResult
    func redis(_ arguments: [String]) throws -> ProcessResult {
        let port = String(try TestEnvironment.redisPort())
        return try ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", port, "--raw"] + arguments)
    }

    /// A list's members (key without prefix), exact bytes (payloads hold no raw newline).
    func lrange(_ key: String) throws -> [[UInt8]] {
        try redis(["lrange", prefix + key, "0", "-1"]).stdout
            .split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// This world's keys in db 0, without the prefix, sorted.
    func keys() throws -> [String] {
        try redis(["keys", prefix + "*"]).stdoutText.split(separator: "\n").map { String($0.dropFirst(prefix.count)) }
            .filter { !$0.hasPrefix("php_") }.sorted()
    }

    func failedRows() throws -> [[String: Any]] {
        let code = #"$p = new PDO('sqlite:'.getenv('DB_DATABASE')); echo json_encode($p->query('select * from failed_jobs order by id')->fetchAll(PDO::FETCH_ASSOC));"#
        let out = try ProcessRunner.phpCode(code, environment: environment).stdout
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out)) as? [[String: Any]])
    }

    func sql(_ statement: String) throws {
        let code = #"$p = new PDO('sqlite:'.getenv('DB_DATABASE')); $p->exec(getenv('SQL'));"#
        try ProcessRunner.phpCode(code, environment: environment.merging(["SQL": statement]) { $1 })
    }
}
