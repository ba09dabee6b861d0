import Foundation
import TestSupport
import XCTest

/// Base of the Shuttle ⇄ PHP interop tests: one Laravel 8 app per test (its own Redis key prefix, a fresh SQLite
/// database made by migrate.php, its own storage directory), shared by the PHP harness scripts and the real
/// `shuttle` binary. Workers run as background processes that tearDown always kills; the test's keys are deleted.
/// Assertions look at Probe records and Redis/DB state, never at timing thresholds.
class InteropTestCase: XCTestCase {
    /// The app's environment, with Laravel's names; both runtimes read it. Tests may change it before starting workers.
    var environment: [String: String] = [:]
    var prefix = ""
    /// The queue's Redis database (`REDIS_DB`), where `redis(…)` runs its commands.
    var redisDatabase = "0"
    /// Key patterns deleted in tearDown, in databases 0, 1 (cache) and `redisDatabase`. Default: `prefix*`.
    var cleanupPatterns: [String] = []
    var directory = URL(fileURLWithPath: "/tmp")
    private var processes: [BackgroundProcess] = []
    let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel")

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    override func setUpWithError() throws {
        directory = try TestEnvironment.temporaryDirectory("interop")
        prefix = "interop_\(UUID().uuidString.prefix(8).lowercased())_"
        environment = [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()),
            "REDIS_DB": "0", "REDIS_CACHE_DB": "1", "REDIS_PREFIX": prefix,
            "QUEUE_CONNECTION": "redis", "REDIS_QUEUE": "default", "CACHE_DRIVER": "redis",
            "DB_CONNECTION": "sqlite", "DB_DATABASE": directory.appendingPathComponent("db.sqlite").path,
            "SHUTTLE_STORAGE_PATH": directory.appendingPathComponent("storage").path,
            "SHUTTLE_LARAVEL_VERSION": "8", "APP_TIMEZONE": "UTC",
            "APP_KEY": "base64:cGVlci1maXhlZC1hcHAta2V5LTAxMjM0NTY3ODlhYmM=",
        ]
        try php("migrate.php")
    }

    override func tearDownWithError() throws {
        for process in processes { process.kill() }
        processes = []
        let script = "for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end"
        let patterns = cleanupPatterns.isEmpty ? [prefix + "*"] : cleanupPatterns
        for db in Set(["0", "1", redisDatabase]) {
            for pattern in patterns where pattern != "*" {
                _ = try? redisResult(["-n", db, "eval", script, "0", pattern])
            }
        }
    }

    // MARK: Workers

    /// `shuttle work --name NAME ARGS…`; its record entries say `shuttle:NAME`.
    func startShuttle(_ name: String, _ arguments: [String] = []) throws -> BackgroundProcess {
        try start(name, [try Self.shuttleBinary().path, "work", "--name", name] + arguments)
    }

    /// `php work.php --name=NAME ARGS…` (Laravel's real queue:work); its record entries say `php:NAME`.
    func startPHPWorker(_ name: String, _ arguments: [String] = []) throws -> BackgroundProcess {
        try start(name, ["php", scripts.appendingPathComponent("work.php").path, "--name=\(name)"] + arguments)
    }

    func start(_ name: String, _ arguments: [String]) throws -> BackgroundProcess {
        // The working directory is the test's own: Shuttle would read a `.env` file from its working directory.
        let process = try BackgroundProcess(name, arguments, environment: environment, directory: directory)
        processes.append(process)
        return process
    }

    /// `shuttle work --once`, to its end (exit 0).
    func runOnce(shuttle name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let worker = try startShuttle(name, ["--once", "--sleep", "0.2"])
        XCTAssertEqual(try waitForExit(worker), .exited(0), worker.stderr, file: file, line: line)
    }

    /// `php work.php --once`, to its end (exit 0).
    func runOnce(php name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let worker = try startPHPWorker(name, ["--once", "--sleep=0.2"])
        XCTAssertEqual(try waitForExit(worker), .exited(0), worker.stderr, file: file, line: line)
    }

    /// Waits for a worker to end by itself; fails with its log when it does not within `timeout`.
    @discardableResult
    func waitForExit(_ process: BackgroundProcess, timeout: Double = 15) throws -> BackgroundProcess.Ending {
        guard let ending = process.waitForExit(timeout: timeout) else {
            throw Failure(description: "\(process.name) still running after \(timeout) s; stderr:\n\(process.stderr.suffix(3000))")
        }
        return ending
    }

    /// The built `shuttle` executable: $SHUTTLE_BINARY, else beside the test bundle, else .build/debug.
    static func shuttleBinary() throws -> URL {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["SHUTTLE_BINARY"] { candidates.append(URL(fileURLWithPath: path)) }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent("shuttle"))
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("shuttle"))
        }
        candidates.append(TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure(description: "no shuttle executable (tried \(candidates.map(\.path))): run `swift build` first")
        }
        return found
    }

    // MARK: PHP harness

    @discardableResult
    func php(_ script: String, _ arguments: [String] = [], check: Bool = true) throws -> ProcessResult {
        try ProcessRunner.php(scripts.appendingPathComponent(script).path, arguments, environment: environment, check: check)
    }

    /// dispatch.php; returns the pushed jobs' (uuid, id).
    @discardableResult
    func dispatch(_ job: String, _ arguments: String...) throws -> [(uuid: String, id: String)] {
        let result = try php("dispatch.php", [job] + arguments)
        return try result.stdoutText.split(separator: "\n").map { line in
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 2 else { throw Failure(description: "dispatch.php printed \(line)") }
            return (uuid: parts[0], id: parts[1])
        }
    }

    /// `php artisan.php ARGS…` (queue:retry, queue:restart…).
    @discardableResult
    func artisan(_ arguments: String...) throws -> ProcessResult {
        try php("artisan.php", arguments)
    }

    // MARK: Redis and database state

    /// redis-cli (--raw) output in `redisDatabase` (unless `-n` comes first), trailing newline removed.
    /// Keys are given in full (add `prefix` yourself).
    @discardableResult
    func redis(_ arguments: String...) throws -> String {
        var text = try redisResult(arguments).stdoutText
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    private func redisResult(_ arguments: [String]) throws -> ProcessResult {
        let port = String(try TestEnvironment.redisPort())
        let database = arguments.first == "-n" ? [] : ["-n", redisDatabase]
        return try ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", port, "--raw"] + database + arguments)
    }

    /// A list's members (key without prefix), exact bytes (payloads and records hold no raw newline).
    func lrange(_ key: String) throws -> [[UInt8]] {
        let out = try redisResult(["lrange", prefix + key, "0", "-1"]).stdout
        if out == [UInt8(ascii: "\n")] { return [] }  // what redis-cli --raw prints for an empty list
        return out.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// Sizes of a queue's ready list, `:delayed`, `:reserved` and `:notify`.
    func queueSizes(_ queue: String = "default") throws -> (ready: Int, delayed: Int, reserved: Int, notify: Int) {
        let base = prefix + "queues:" + queue
        func n(_ s: String) -> Int { Int(s) ?? -1 }
        return (n(try redis("llen", base)), n(try redis("zcard", base + ":delayed")),
                n(try redis("zcard", base + ":reserved")), n(try redis("llen", base + ":notify")))
    }

    /// Asserts the queue holds nothing at all: no ready, delayed or reserved job.
    func assertQueueEmpty(_ queue: String = "default", file: StaticString = #filePath, line: UInt = #line) throws {
        let sizes = try queueSizes(queue)
        XCTAssertEqual(sizes.ready, 0, "ready", file: file, line: line)
        XCTAssertEqual(sizes.delayed, 0, "delayed", file: file, line: line)
        XCTAssertEqual(sizes.reserved, 0, "reserved", file: file, line: line)
    }

    /// The Probe record list `key`, decoded; malformed entries fail the test.
    func records(_ key: String) throws -> [ProbeEntry] {
        try lrange(key).map { bytes in
            guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                  let entry = ProbeEntry(json: object)
            else { throw Failure(description: "malformed record entry: \(String(decoding: bytes, as: UTF8.self))") }
            return entry
        }
    }

    /// Rows of `failed_jobs`, oldest first, read with PDO (as PHP sees them).
    func failedJobs() throws -> [[String: Any]] {
        let code = #"$p = new PDO('sqlite:'.getenv('DB_DATABASE')); echo json_encode($p->query('select * from failed_jobs order by id')->fetchAll(PDO::FETCH_ASSOC));"#
        let out = try ProcessRunner.phpCode(code, environment: environment).stdout
        guard let rows = try JSONSerialization.jsonObject(with: Data(out)) as? [[String: Any]] else {
            throw Failure(description: "failed_jobs: unexpected \(String(decoding: out, as: UTF8.self))")
        }
        return rows
    }

    func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure(description: "not a JSON object: \(text)")
        }
        return object
    }

    // MARK: Waiting

    /// Polls `condition` until it holds; throws (with `context`, e.g. worker logs) after `timeout` seconds.
    func waitUntil(_ what: String, timeout: Double = 15, context: @autoclosure () -> String = "",
                   _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return }
            if Date() > deadline { throw Failure(description: "timed out after \(timeout) s waiting for \(what)\n\(context())") }
            usleep(50_000)
        }
    }

    /// Waits until the record list `key` has an entry matching `predicate`.
    func waitForRecord(_ key: String, _ what: String, timeout: Double = 15,
                       _ predicate: (ProbeEntry) -> Bool) throws {
        try waitUntil(what, timeout: timeout, context: "records: \((try? self.records(key)) ?? [])\n\(workerLogs())") {
            try records(key).contains(where: predicate)
        }
    }

    /// The tail of every worker's stderr, for failure messages.
    func workerLogs() -> String {
        processes.map { "--- \($0.name):\n\($0.stderr.suffix(2000))" }.joined(separator: "\n")
    }
}
