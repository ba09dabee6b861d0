import Foundation
import PHPFormats
import TestSupport
import XCTest

/// `shuttle work --http` as a process: /metrics parsed by promtool and counting real jobs, /health and /ready
/// flipping when a real Redis stops and starts (and on SIGUSR2), JSON log lines with the job fields, and no
/// configured secret in any log line, metric or health body.
final class CLIOperationsTests: InteropTestCase {
    static let redisPassword = "redis-pw-Vq7Zx93kLm"
    static let databasePassword = "db-pw-Hd82nQp41s"
    static let appKeyBody = "cGVlci1maXhlZC1hcHAta2V5LTAxMjM0NTY3ODlhYmM="
    private var redisServer: PrivateRedis?

    override func tearDownWithError() throws {
        try super.tearDownWithError()
        redisServer?.stop()
    }

    /// The port the worker's log line names (`--http 127.0.0.1:0` lets the kernel pick one).
    private func httpPort(_ worker: BackgroundProcess) throws -> Int {
        var port: Int?
        try waitUntil("the worker to serve /metrics", context: worker.stderr) {
            guard let line = worker.stderr.split(separator: "\n").first(where: { $0.contains("serving /metrics") }),
                  let range = line.range(of: #"127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { return false }
            port = Int(line[range].split(separator: ":")[1])
            return true
        }
        return port!
    }

    private func metrics(_ port: Int) throws -> [String: Double] {
        let response = try HTTPGet.get(port: port, "/metrics")
        XCTAssertEqual(response.status, 200)
        return PrometheusText.samples(response.body)
    }

    private func value(_ samples: [String: Double], _ series: String) -> Double { samples[series] ?? 0 }

    func testMetricsCountJobsAndParseAsPrometheusText() throws {
        try dispatch("probe", "--count", "3")
        try dispatch("probe", "--json", #"{"failAttempts":1}"#, "--count", "2")
        let worker = try startShuttle("metrics", ["--http", "127.0.0.1:0", "--sleep", "0.2"])
        let port = try httpPort(worker)
        let probe = #"{queue="default",class="Shuttle\\Jobs\\Probe"}"#
        try waitUntil("3 processed and 2 failed", context: (try? HTTPGet.get(port: port, "/metrics").body) ?? "") {
            let m = try metrics(port)
            return value(m, "shuttle_jobs_processed_total" + probe) == 3 && value(m, "shuttle_jobs_failed_total" + probe) == 2
        }
        let body = try HTTPGet.get(port: port, "/metrics").body
        let check = try ProcessRunner.run(["promtool", "check", "metrics"], stdin: Array(body.utf8), check: false)
        // promtool exits 1 on text it cannot parse, 3 when only its lint remarks; the one remark allowed is the
        // missing HELP line (swift-metrics has no help text to give).
        let remarks = (check.stdoutText + check.stderrText).split(separator: "\n")
        XCTAssertTrue(check.status == 0 || check.status == 3, "promtool: \(check.status) \(remarks)")
        XCTAssertEqual(remarks.filter { !$0.hasSuffix(" no help text") }, [], body)
        let m = PrometheusText.samples(body)
        XCTAssertEqual(value(m, #"shuttle_job_runtime_seconds_count{class="Shuttle\\Jobs\\Probe"}"#), 5, body)
        XCTAssertNotNil(m[#"shuttle_queue_jobs{queue="default",state="ready"}"#], body)
        XCTAssertNotNil(m[#"shuttle_queue_oldest_wait_seconds{queue="default"}"#], body)
        XCTAssertEqual(m["shuttle_redis_up"], 1, body)
        XCTAssertEqual(m["shuttle_worker_free_slots"], 1, body)
        XCTAssertGreaterThan(value(m, "shuttle_last_pop_timestamp_seconds"), 1_700_000_000, body)

        // The counters move with the next job.
        try dispatch("probe")
        try waitUntil("a 4th processed job", context: worker.stderr) {
            value(try metrics(port), "shuttle_jobs_processed_total" + probe) == 4
        }
        XCTAssertEqual(value(try metrics(port), #"shuttle_job_runtime_seconds_count{class="Shuttle\\Jobs\\Probe"}"#), 6)
        XCTAssertEqual(try HTTPGet.get(port: port, "/nothing").status, 404)
        XCTAssertEqual(try HTTPGet.get(port: port, "/metrics", method: "POST").status, 405)
    }

    /// A job that outlives a third of retry_after has its reservation renewed, and the counter says so.
    func testReservationRenewalsAreCounted() throws {
        environment["REDIS_QUEUE_RETRY_AFTER"] = "2"
        try dispatch("probe", "--json", #"{"sleep":2}"#)
        let worker = try startShuttle("renewals", ["--http", "127.0.0.1:0", "--sleep", "0.2"])
        let port = try httpPort(worker)
        let probe = #"{queue="default",class="Shuttle\\Jobs\\Probe"}"#
        try waitUntil("the long job processed", context: worker.stderr) {
            value(try metrics(port), "shuttle_jobs_processed_total" + probe) == 1
        }
        let m = try metrics(port)
        XCTAssertGreaterThanOrEqual(value(m, #"shuttle_reservation_renewals_total{queue="default",outcome="renewed"}"#), 1, "\(m)")
        XCTAssertEqual(value(m, #"shuttle_reservation_renewals_total{queue="default",outcome="lost"}"#), 0)
    }

    /// A Redis of this test's own, with a password, that the test stops and starts.
    private func useOwnRedis() throws -> PrivateRedis {
        let server = try PrivateRedis(password: Self.redisPassword, directory: directory)
        redisServer = server
        environment["REDIS_PORT"] = String(server.port)
        environment["REDIS_PASSWORD"] = Self.redisPassword
        environment["DB_PASSWORD"] = Self.databasePassword
        return server
    }

    func testHealthAndReadyFlipWithRedisAndPause() throws {
        let server = try useOwnRedis()
        let worker = try startShuttle("health", ["--http", "127.0.0.1:0", "--sleep", "0.2"])
        let port = try httpPort(worker)
        func health(_ path: String = "/health") throws -> (Int, JSONValue) {
            let r = try HTTPGet.get(port: port, path)
            return (r.status, try JSONParser.parse(r.body))
        }
        try waitUntil("healthy", context: worker.stderr) { try health().0 == 200 }
        var (status, body) = try health()
        XCTAssertEqual(body["redis"]?["up"], .bool(true))
        XCTAssertEqual(body["database"]?["up"], .bool(true))
        XCTAssertEqual(body["paused"], .bool(false))
        XCTAssertEqual(try health("/ready").0, 200)

        server.stop()
        try waitUntil("unhealthy once Redis is stopped", context: worker.stderr) { try health().0 == 503 }
        (status, body) = try health()
        XCTAssertEqual(status, 503)
        XCTAssertEqual(body["redis"]?["up"], .bool(false))
        XCTAssertEqual(body["status"], .string("unhealthy"))
        XCTAssertEqual(try health("/ready").0, 503)

        try server.start()
        try waitUntil("healthy once Redis is back", timeout: 30, context: worker.stderr) { try health().0 == 200 }

        // SIGUSR2 pauses: still healthy (a paused worker is not restarted), no longer ready; SIGCONT resumes.
        worker.send(SIGUSR2)
        try waitUntil("not ready while paused", context: worker.stderr) { try health("/ready").0 == 503 }
        (status, body) = try health()
        XCTAssertEqual(status, 200)
        XCTAssertEqual(body["paused"], .bool(true))
        worker.send(SIGCONT)
        try waitUntil("ready after SIGCONT", context: worker.stderr) { try health("/ready").0 == 200 }
        try assertNoSecret(in: worker.stderr + (try HTTPGet.get(port: port, "/health").body))
    }

    func testJSONLogLinesCarryTheJobFieldsAndNoSecret() throws {
        let server = try useOwnRedis()
        environment["LOG_LEVEL"] = "debug"
        try dispatch("probe", "--count", "2")
        try dispatch("probe", "--json", #"{"failAttempts":1}"#)
        let worker = try startShuttle("logs", ["--http", "127.0.0.1:0", "--sleep", "0.2", "--log-format", "json"])
        let port = try httpPort(worker)
        try waitUntil("3 jobs ended", context: worker.stderr) {
            worker.stderr.components(separatedBy: "\"outcome\"").count - 1 >= 3
        }
        // An outage's error lines too.
        server.stop()
        try waitUntil("unhealthy", context: worker.stderr) { try HTTPGet.get(port: port, "/health").status == 503 }
        try server.start()
        try waitUntil("healthy again", timeout: 30, context: worker.stderr) { try HTTPGet.get(port: port, "/health").status == 200 }
        let scraped = try HTTPGet.get(port: port, "/metrics").body + (try HTTPGet.get(port: port, "/health").body)
        worker.send(SIGTERM)
        XCTAssertEqual(try waitForExit(worker), .exited(0))

        let lines = worker.stderr.split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 5)
        var ended: [JSONValue] = []
        for line in lines {
            let object = try JSONParser.parse(String(line))
            for field in ["time", "level", "label", "message"] { XCTAssertNotNil(object[field]?.stringValue, "\(field) in \(line)") }
            if object["outcome"] != nil { ended.append(object) }
        }
        XCTAssertEqual(ended.compactMap { $0["outcome"]?.stringValue }.sorted(), ["failed", "processed", "processed"])
        for line in ended {
            for field in ["id", "uuid", "class", "job", "queue", "attempt", "runtime_ms", "outcome"] {
                XCTAssertNotNil(line[field]?.stringValue, "\(field) missing")
            }
            XCTAssertEqual(line["class"], .string("Shuttle\\Jobs\\Probe"))
            XCTAssertEqual(line["queue"], .string("default"))
            XCTAssertEqual(line["attempt"], .string("1"))
        }
        XCTAssertEqual(ended.first { $0["outcome"] == .string("failed") }?["level"], .string("error"))
        XCTAssertTrue(worker.stderr.contains("pop failed") || worker.stderr.contains("BLPOP failed") || worker.stderr.contains("error"),
                      "the outage left no error line")
        try assertNoSecret(in: worker.stderr + scraped)
    }

    /// Errors that stop `shuttle work` at start (bad password, unreachable database, URLs with credentials) name
    /// what failed, never the secret.
    func testStartupErrorsNameNoSecret() throws {
        let secret = Self.databasePassword
        let cases: [[String: String]] = [
            ["REDIS_PASSWORD": secret],
            ["REDIS_URL": "redis://:\(secret)@127.0.0.1:1"],
            ["DB_CONNECTION": "pgsql", "DB_HOST": "127.0.0.1", "DB_PORT": "1", "DB_PASSWORD": secret],
            ["DB_CONNECTION": "pgsql", "DB_URL": "postgres://u:\(secret)@127.0.0.1:1/app"],
            ["DB_CONNECTION": "pgsql", "DB_HOST": "127.0.0.1", "DB_PORT": String(try TestEnvironment.postgresPort()),
             "DB_USERNAME": "no_such_role", "DB_PASSWORD": secret],
        ]
        for extra in cases {
            let result = try ProcessRunner.run([try Self.shuttleBinary().path, "work", "--http", "127.0.0.1:0", "--log-format", "json"],
                                               environment: environment.merging(extra) { $1 }, currentDirectory: directory, check: false)
            XCTAssertEqual(result.status, 1, "\(extra): \(result.stderrText)")
            XCTAssertTrue(result.stderrText.contains("Error: "), result.stderrText)
            XCTAssertFalse((result.stdoutText + result.stderrText).contains(secret), "\(extra) leaked: \(result.stderrText)")
        }
    }

    private func assertNoSecret(in text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for secret in [Self.redisPassword, Self.databasePassword, Self.appKeyBody, environment["APP_KEY"] ?? "base64:"] {
            XCTAssertFalse(text.contains(secret), "a secret leaked", file: file, line: line)
        }
    }
}

/// Prometheus text format samples as `name{labels}` → value (what promtool has validated, read back).
enum PrometheusText {
    static func samples(_ text: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            result[String(line[..<space])] = value
        }
        return result
    }
}

/// A redis-server on a free loopback port with a password, stopped and started by the test.
final class PrivateRedis {
    struct Failure: Error, CustomStringConvertible { let description: String }
    let port: Int
    let password: String
    let directory: URL
    private var process: Process?

    init(password: String, directory: URL) throws {
        self.port = try HTTPGet.freePort()
        self.password = password
        self.directory = directory
        try start()
    }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["redis-server", "--bind", "127.0.0.1", "--port", String(port), "--requirepass", password,
                       "--save", "", "--appendonly", "no", "--dir", directory.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        for _ in 0..<100 {
            if (try? ProcessRunner.run(["redis-cli", "-p", String(port), "--no-auth-warning", "-a", password, "ping"], check: false))?
                .stdoutText.contains("PONG") == true { return }
            usleep(50_000)
        }
        throw Failure(description: "redis-server did not start on \(port)")
    }

    func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
    }
}
