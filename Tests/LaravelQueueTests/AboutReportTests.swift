import Foundation
@testable import LaravelQueue
@testable import PHPFormats
@testable import ShuttleRuntime
import TestSupport
import XCTest

/// `shuttle about`'s report, from configuration alone: the keys as each store writes them, the version's
/// pause keys, reachability as handed in, and no secret anywhere in the text or the JSON.
final class AboutReportTests: XCTestCase {
    private func configuration(_ variables: [String: String], appRoot: String? = nil) throws -> QueueConfiguration {
        try QueueConfiguration.resolve(LaravelEnvironment(process: variables), appRoot: appRoot)
    }

    private func report(_ variables: [String: String], queues: [String]? = nil, redis: [String: AboutReport.Reachability] = [:],
                        jobs: AboutReport.JobClasses = .registered(["Shuttle\\Jobs\\Probe"])) throws -> AboutReport {
        AboutReport(configuration: try configuration(variables), shuttleVersion: "9.9.9", envFile: "/app/.env", appRoot: "/app",
                    queues: queues, redis: redis, jobClasses: jobs)
    }

    private func section(_ report: AboutReport, _ key: String) throws -> JSONValue {
        try XCTUnwrap(report.json[key], "no section \(key) in \(report.sections.map(\.key))")
    }

    func testLaravel8RedisCacheKeysAsTheStoreWritesThem() throws {
        let root = try TestEnvironment.temporaryDirectory("shuttle-about").path
        try Data(#"{"packages": [{"name": "laravel/framework", "version": "v8.83.26"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: root + "/composer.lock"))
        let config = try configuration(["CACHE_DRIVER": "redis", "REDIS_PREFIX": "app_", "REDIS_CACHE_DB": "3"], appRoot: root)
        let report = AboutReport(configuration: config, shuttleVersion: "9.9.9", envFile: root + "/.env", appRoot: root,
                                 redis: ["queue": .reachable, "cache": .unreachable("Redis connection refused")],
                                 jobClasses: .registered(["Shuttle\\Jobs\\Probe"]))
        let shuttle = try section(report, "shuttle")
        XCTAssertEqual(shuttle["laravel_version"], .string("8.83.26"))
        XCTAssertEqual(shuttle["laravel_version_source"], .object(JSONObject([
            "kind": .string("composer.lock"), "path": .string(root + "/composer.lock"),
        ])))
        XCTAssertEqual(shuttle["version"], .string("9.9.9"))
        let cache = try section(report, "cache")
        // Laravel 8's RedisStore: connection prefix, cache prefix, ":".
        XCTAssertEqual(cache["restart_key"], .string("app_laravel_cache:illuminate:queue:restart"))
        XCTAssertEqual(cache["location"], .string("Redis db 3 (cache connection)"))
        XCTAssertEqual(cache["pause_keys"], .array([]), "queue:pause is 12.40+")
        XCTAssertEqual(try section(report, "queue")["keys"], .object(JSONObject([
            "default": .array(["app_queues:default", "app_queues:default:reserved", "app_queues:default:delayed",
                               "app_queues:default:notify"].map { .string($0) }),
        ])))
        XCTAssertEqual(try section(report, "redis_queue")["status"], .string("reachable"))
        XCTAssertEqual(try section(report, "redis_cache")["status"], .string("unreachable: Redis connection refused"))
        XCTAssertEqual(try section(report, "redis_cache")["database"], .int(3))
        XCTAssertNil(report.json["redis_cache_locks"], "the lock connection is the queue's")
        XCTAssertEqual(try section(report, "jobs")["classes"], .array([.string("Shuttle\\Jobs\\Probe")]))
    }

    func testPauseKeysFollowTheVersion() throws {
        let v12 = try report(["SHUTTLE_LARAVEL_VERSION": "12.40", "CACHE_PREFIX": "c_"], queues: ["high", "low"])
        XCTAssertEqual(try section(v12, "cache")["restart_key"], .string("c_illuminate:queue:restart"), "database store: prefix + key")
        XCTAssertEqual(try section(v12, "cache")["pause_keys"], .array([
            .string("c_illuminate:queue:paused:redis:high"), .string("c_illuminate:queue:paused:redis:low"),
        ]))
        XCTAssertEqual(try section(v12, "cache")["location"], .string("table cache"))
        let v13 = try report(["SHUTTLE_LARAVEL_VERSION": "13.25", "CACHE_PREFIX": "c_", "QUEUE_CONNECTION": "jobs"])
        XCTAssertEqual(try section(v13, "cache")["pause_keys"], .array([
            .string("c_illuminate:queue:paused:jobs:default"), .string("c_illuminate:queues:paused"),
        ]))
        XCTAssertEqual(try report(["SHUTTLE_LARAVEL_VERSION": "12.39"]).json["cache"]?["pause_keys"], .array([]))
    }

    func testFileStoreRestartKeyIsTheFileFileStoreWrites() throws {
        let report = try report(["SHUTTLE_LARAVEL_VERSION": "10", "SHUTTLE_STORAGE_PATH": "/srv/app/storage"])
        let cache = try section(report, "cache")
        XCTAssertEqual(cache["store"], .string("file"))
        XCTAssertEqual(cache["restart_key"], .string(FileCacheStore(storagePath: "/srv/app/storage").path(for: "illuminate:queue:restart")))
        XCTAssertEqual(cache["restart_key"]?.stringValue?.hasPrefix("/srv/app/storage/framework/cache/data/"), true)
    }

    func testAStoreNotSharedWithPHPSaysRestartDoesNotReachShuttle() throws {
        let report = try report(["SHUTTLE_LARAVEL_VERSION": "11", "CACHE_STORE": "array"])
        XCTAssertEqual(try section(report, "cache")["restart_key"], .null)
        XCTAssertTrue(report.text().contains("not shared with PHP: queue:restart and queue:pause do not reach Shuttle"), report.text())
    }

    func testSecretsAreNeverShown() throws {
        let secrets = ["redis-pass-1", "cache-url-pass-2", "db-pass-3", "base64:c2VjcmV0LWFwcC1rZXktMDEyMzQ1Njc4OWFiY2RlZg=="]
        let report = try report([
            "SHUTTLE_LARAVEL_VERSION": "12", "CACHE_STORE": "redis", "REDIS_PASSWORD": secrets[0],
            "REDIS_URL": "redis://user:\(secrets[1])@redis.internal:6380/2", "DB_CONNECTION": "pgsql",
            "DB_PASSWORD": secrets[2], "DB_HOST": "db.internal", "APP_KEY": secrets[3], "HORIZON_PREFIX": "hz:",
        ])
        let text = report.text()
        let json = String(decoding: try JSONWriter.encode(report.json, options: .unescapedSlashes), as: UTF8.self)
        for secret in secrets {
            XCTAssertFalse(text.contains(secret), secret)
            XCTAssertFalse(json.contains(secret), secret)
        }
        XCTAssertEqual(try section(report, "redis_queue")["password"], .string("set"))
        XCTAssertEqual(try section(report, "redis_queue")["host"], .string("redis.internal"))
        XCTAssertEqual(try section(report, "redis_horizon")["prefix"], .string("hz:"))
        XCTAssertEqual(try section(report, "database")["password"], .string("set"))
        XCTAssertEqual(try section(report, "database")["host"], .string("db.internal"))
        XCTAssertEqual(try section(report, "shuttle")["encryption_key"], .string("set"))
        XCTAssertEqual(try section(report, "horizon")["enabled"], .bool(true))
        XCTAssertEqual(try self.report(["SHUTTLE_LARAVEL_VERSION": "12"]).json["redis_queue"]?["password"], .string("none"))
    }

    func testUnreachableRedisAndUnknownJobsStillReportTheConfiguration() throws {
        let report = try report(["SHUTTLE_LARAVEL_VERSION": "8", "REDIS_PORT": "1"],
                                redis: ["queue": .unreachable("Redis connection refused: 127.0.0.1:1")],
                                jobs: .unknown("the queue's Redis connection is unreachable"))
        let text = report.text()
        XCTAssertTrue(text.contains("unreachable: Redis connection refused: 127.0.0.1:1"), text)
        XCTAssertTrue(text.contains("unknown: the queue's Redis connection is unreachable"), text)
        XCTAssertTrue(text.contains("laravel_database_queues:default:reserved"), text)
        XCTAssertEqual(try section(report, "jobs")["classes"], .null)
        XCTAssertEqual(try section(report, "redis_queue")["port"], .int(1))
    }

    /// Like artisan's: a blank line and a title per section, then every value ending in the same column.
    func testTextIsAligned() throws {
        let report = try report(["SHUTTLE_LARAVEL_VERSION": "12"], queues: ["a", "b"])
        let lines = report.text(width: 100).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.filter(\.isEmpty).count, report.sections.count)
        for line in lines where !line.isEmpty {
            XCTAssertEqual(line.count, 98, String(line))
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("  Laravel Version ....") && $0.hasSuffix(" 12.26.4") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("  Keys of [b] (Redis db 0) ....") && $0.hasSuffix(" laravel_database_queues:b") })
    }
}
