import Database
import Foundation
import LaravelQueue
import Redis
import SparkSchedule
import TestSupport
import Synchronization
import XCTest

/// PHP's real scheduler (the harness's Laravel 8.83 `schedule:run` with Spark's entry, scripts/laravel/schedule.php)
/// and Shuttle's, on one cache: each minute is pushed by exactly one of them, a run still going makes the other
/// skip, and the keys Shuttle writes are the ones PHP writes, byte for byte (`<prefix>framework/schedule-` +
/// sha1("App\Jobs\CheckIntegrationUpdates") + `Hi`, value `b:1;`, an hour).
final class SchedulePHPInteropTests: XCTestCase {
    func testPHPAndShuttleShareTheMinuteAndOverlapKeysOnRedis() async throws { try await interop(.redis) }
    func testPHPAndShuttleShareTheMinuteAndOverlapKeysOnTheDatabaseStore() async throws { try await interop(.sqlite) }

    static let mutex = "framework/schedule-cd1082880051f54744a506524e40b21edc80ac1e"

    private func interop(_ store: ScheduleEnvironment.Store) async throws {
        let environment = try await ScheduleEnvironment.make(store, laravel: "8")
        if store == .sqlite {
            let migrated = try ProcessRunner.php(script("migrate.php"), environment: environment, check: false)
            XCTAssertEqual(migrated.status, 0, migrated.stderrText)
        }
        func php(at time: String) throws -> String {
            let out = try ProcessRunner.php(script("schedule.php"), ["--now=\(time)"], environment: environment, check: false)
            XCTAssertEqual(out.status, 0, out.stderrText)
            return out.stdoutText
        }
        let entered = Gate(), release = Gate()
        let holding = HoldSwitch()
        let shuttle = try await ScheduleHost.connect(environment) {
            guard holding.isOn else { return }
            await entered.open()
            await release.wait()
        }
        // PHP's clock is fixed (its one-server key names the minute) but the database store's expirations are
        // absolute: the minutes are real ones, a little ahead, so neither side finds the other's rows expired.
        let minute = (Int64(Date().timeIntervalSince1970) / 60 + 5) * 60
        func at(_ offset: Int64, _ second: Int) -> String {
            let text = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(minute + offset + Int64(second))))
            return text
        }
        func hi(_ offset: Int64) -> String {
            let local = (minute + offset) % 86_400
            let h = local / 3600, m = (local % 3600) / 60
            return (h < 10 ? "0" : "") + String(h) + (m < 10 ? "0" : "") + String(m)
        }

        XCTAssertTrue(try php(at: at(0, 10)).contains("Running scheduled command: App\\Jobs\\CheckIntegrationUpdates"))
        let value1 = await shuttle.scheduler.runDue(minute: minute)
        XCTAssertEqual(value1, [.skippedOtherServer], "PHP ran minute 0")
        let value2 = await shuttle.scheduler.runDue(minute: minute + 60)
        XCTAssertEqual(value2, [.ran])
        XCTAssertTrue(try php(at: at(60, 20)).contains("Skipping command (has already run on another server)"))

        // Shuttle's third-minute run is still going when PHP's fourth starts: PHP's overlap filter skips the event
        // before it claims the minute.
        holding.turnOn()
        let scheduler = shuttle.scheduler
        let held = Task { await scheduler.runDue(minute: minute + 120) }
        await entered.wait()
        let value3 = try await keys().filter { $0.hasSuffix(Self.mutex) }.count
        XCTAssertEqual(value3, 1, "Shuttle holds the overlap mutex PHP checks")
        XCTAssertTrue(try php(at: at(180, 0)).contains("No scheduled commands are ready to run"))
        await release.open()
        let value4 = await held.value
        XCTAssertEqual(value4, [.ran])

        let pushed = try await shuttle.pushed()
        XCTAssertEqual(pushed.count, 3, "minute 0 by PHP, 1 and 2 by Shuttle, none at 3")
        XCTAssertEqual(Set(pushed.compactMap(\.command)).count, 1, "Shuttle's command is PHP's, byte for byte")
        XCTAssertEqual(Set(pushed.compactMap(\.displayName)), [CheckIntegrationUpdates.phpClass])

        let prefix = store == .redis ? shuttle.application.configuration.cache.redisStorePrefix : shuttle.application.configuration.cache.prefix
        let expected = [hi(0), hi(60), hi(120)].map { prefix + Self.mutex + $0 }.sorted()
        let written = try await keys()
        XCTAssertEqual(written.filter { $0.hasPrefix(prefix + "framework/schedule-") }.sorted(), expected,
                       "one key per minute run, PHP's (0) and Shuttle's (1, 2) alike; no overlap key left")
        for key in expected {
            let stored = try await value(key)
            XCTAssertEqual(stored, "b:1;", key)
        }
        await shuttle.close()

        func keys() async throws -> [String] {
            switch store {
            case .redis:
                let cache = try await cacheRedis()
                defer { cache.close() }
                let all = try await cache.send(RedisCommand("KEYS", [.value(environment["REDIS_PREFIX"]! + "*")]))
                return (all.array ?? []).compactMap(\.string).map { String($0.dropFirst(environment["REDIS_PREFIX"]!.count)) }
            default:
                let db = try SQLiteConnection(path: environment["DB_DATABASE"]!)
                defer { db.close() }
                return try await db.query("select key from cache").compactMap { $0["key"]?.string }
            }
        }
        func value(_ key: String) async throws -> String? {
            switch store {
            case .redis:
                let cache = try await cacheRedis()
                defer { cache.close() }
                return try await cache.send(RedisCommand("GET", [.value(environment["REDIS_PREFIX"]! + key)])).string
            default:
                let db = try SQLiteConnection(path: environment["DB_DATABASE"]!)
                defer { db.close() }
                return try await db.query("select value from cache where key = ?", [.text(key)]).first?["value"]?.string
            }
        }
        func cacheRedis() async throws -> RedisConnection {
            try await RedisConnection(configuration: RedisConfiguration(host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(),
                                                                        database: 1))
        }
    }

    private func script(_ name: String) -> String {
        TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel/\(name)").path
    }
}

final class HoldSwitch: Sendable {
    private let state = Mutex(false)
    var isOn: Bool { state.withLock { $0 } }
    func turnOn() { state.withLock { $0 = true } }
}
