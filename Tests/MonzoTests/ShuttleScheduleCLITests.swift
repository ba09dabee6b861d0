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
}
