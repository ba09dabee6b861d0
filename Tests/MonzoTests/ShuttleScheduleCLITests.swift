import Database
import Foundation
import Monzo
import Redis
import Spark
import TestSupport
import XCTest

/// The CLI as `make run` drives it, on the embedded SQLite (database cache store, Laravel 12's schedule locks):
/// `shuttle migrate`, `shuttle demo-seed`, then `shuttle work --schedule --schedule-now`, whose scheduler pushes
/// CheckIntegrationUpdates, which the same worker runs natively, marking the four demo instances triggered;
/// `shuttle status` then lists them with their last trigger.
final class ShuttleScheduleCLITests: XCTestCase {
    func testWorkWithScheduleTriggersTheDemoInstancesAndStatusShowsThem() async throws {
        let directory = try TestEnvironment.temporaryDirectory("schedule-cli")
        let database = directory.appendingPathComponent("shuttle.sqlite").path
        let prefix = "sched_cli_\(UUID().uuidString.prefix(8).lowercased())_"
        let environment = [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()), "REDIS_PREFIX": prefix,
            "QUEUE_CONNECTION": "redis", "REDIS_QUEUE": "pull", "DB_CONNECTION": "sqlite", "DB_DATABASE": database,
            "SHUTTLE_EMBEDDED_DATABASE": "1", "CACHE_STORE": "database", "MONZO_CLIENT_ID": "", "MONZO_CLIENT_SECRET": "",
        ]
        let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle").path
        func shuttle(_ arguments: [String]) throws -> ProcessResult {
            try ProcessRunner.run([binary] + arguments, environment: environment, currentDirectory: directory, check: false)
        }
        let migrated = try shuttle(["migrate"])
        XCTAssertEqual(migrated.status, 0, migrated.stderrText)
        let seeded = try shuttle(["demo-seed", "--access-token", "tok_cli_secret"])
        XCTAssertEqual(seeded.status, 0, seeded.stderrText)

        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: binary)
        worker.arguments = ["work", "--schedule", "--schedule-now", "--sleep", "0.1"]
        worker.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        worker.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("worker.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))
        let handle = try FileHandle(forWritingTo: log)
        worker.standardError = handle
        worker.standardOutput = handle
        try worker.run()

        // Wait (a guard, not a measurement) until the worker's CheckIntegrationUpdates has marked all four.
        let sqlite = try SQLiteConnection(path: database)
        defer { sqlite.close() }
        var triggered = 0
        for _ in 0..<600 where triggered < 4 {
            triggered = try await sqlite.query("select count(*) as n from integrations where last_triggered_at is not null")
                .first?["n"]?.int ?? 0
            if triggered < 4 { try await Task.sleep(for: .milliseconds(100)) }
        }
        worker.terminate()
        worker.waitUntilExit()
        try handle.close()
        let output = String(decoding: try Data(contentsOf: log), as: UTF8.self)
        XCTAssertEqual(triggered, 4, output)
        XCTAssertEqual(worker.terminationStatus, 0, output)
        XCTAssertTrue(output.contains("pushed CheckIntegrationUpdates"), output)
        XCTAssertFalse(output.contains("tok_cli_secret"), "the group's token never reaches the log")
        let claims = try await sqlite.query("select key from cache_locks where key like '%framework/schedule-%'").compactMap { $0["key"]?.string }
        XCTAssertEqual(claims.count, 1, "this minute's onOneServer lock (Laravel 12), the overlap lock released: \(claims)")

        let status = try shuttle(["status"])
        XCTAssertEqual(status.status, 0, status.stderrText)
        for (type, id) in MonzoDemo.integrations {
            let line = status.stdoutText.split(separator: "\n").first { $0.contains(id) }.map(String.init) ?? ""
            XCTAssertTrue(line.contains(type), status.stdoutText)
            XCTAssertFalse(line.contains("| never          | never"), "triggered: \(line)")
        }
        XCTAssertFalse(status.stdoutText.contains("tok_cli_secret"))
    }

    /// `shuttle schedule --now` on its own (no worker): pushes CheckIntegrationUpdates for this minute, and a
    /// second scheduler started in the same minute does not; SIGTERM stops each with status 0.
    func testScheduleCommandPushesOncePerMinuteAcrossTwoProcesses() async throws {
        let directory = try TestEnvironment.temporaryDirectory("schedule-cmd")
        let prefix = "sched_cmd_\(UUID().uuidString.prefix(8).lowercased())_"
        let environment = [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()), "REDIS_PREFIX": prefix,
            "QUEUE_CONNECTION": "redis", "REDIS_QUEUE": "pull", "CACHE_STORE": "redis", "SHUTTLE_LARAVEL_VERSION": "12",
            "DB_CONNECTION": "sqlite", "DB_DATABASE": directory.appendingPathComponent("app.sqlite").path, "SHUTTLE_EMBEDDED_DATABASE": "1",
        ]
        let redis = try await RedisConnection(configuration: RedisConfiguration(host: TestEnvironment.redisHost,
                                                                                 port: try TestEnvironment.redisPort(), keyPrefix: prefix))
        defer { redis.close() }
        func queued() async throws -> Int { try await redis.send(RedisCommand("LLEN", [.key("queues:pull")])).int ?? 0 }
        // Both start within one minute (retried if a boundary falls between them, which would rightly give two).
        for _ in 0..<3 {
            let minute = Int(Date().timeIntervalSince1970) / 60
            _ = try await redis.send(RedisCommand("DEL", [.key("queues:pull")]))
            var outputs: [String] = []
            for _ in 0..<2 {
                let (process, log) = try Self.start(["schedule", "--now"], environment: environment, directory: directory)
                for _ in 0..<300 {
                    let text = try String(contentsOf: log, encoding: .utf8)
                    if text.contains("pushed CheckIntegrationUpdates") || text.contains("Skipping command") { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                process.terminate()
                process.waitUntilExit()
                XCTAssertEqual(process.terminationStatus, 0)
                outputs.append(try String(contentsOf: log, encoding: .utf8))
            }
            guard Int(Date().timeIntervalSince1970) / 60 == minute else { continue }
            let count = try await queued()
            XCTAssertEqual(count, 1, outputs.joined(separator: "\n---\n"))
            XCTAssertTrue(outputs[1].contains("Skipping command (has already run on another server)"), outputs[1])
            return
        }
        XCTFail("every attempt straddled a minute boundary")
    }

    static func start(_ arguments: [String], environment: [String: String], directory: URL) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("\(UUID().uuidString).log")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil))
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return (process, log)
    }
}
