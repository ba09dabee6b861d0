import AppleHealth
import Database
import Foundation
import LaravelQueue
import PHPFormats
import Spark
import SparkTestSupport
import TestSupport
import XCTest

/// The whole path with real PHP: the harness's Laravel dispatches `AppleHealthWebhookHook` as the app's
/// `WebhookController` does (request input, header bag, the Integration without relations), one per instance;
/// `shuttle work --stop-when-empty` runs the hooks and the processing jobs they dispatch into PostgreSQL or SQLite,
/// and the rows are the golden ones. Then the other way: processing jobs Shuttle's hook dispatched are run by PHP's
/// `queue:work` into the app's class shape.
final class AppleHealthEndToEndTests: XCTestCase {
    func testHooksPHPDispatchedRunIntoPostgreSQL() async throws { try await endToEnd(.postgres) }
    func testHooksPHPDispatchedRunIntoSQLite() async throws { try await endToEnd(.sqlite) }
    func testProcessingJobsShuttleDispatchedRunInPHP() async throws { try await phpRunsProcessingJobs(.postgres) }
    func testFailingJobsLandInFailedJobsWithoutTheSecret() async throws { try await failedJobs(.postgres) }

    struct Harness {
        let db: SparkTestDatabase
        let environment: [String: String]
        let directory: URL
        let prefix: String

        init(_ db: SparkTestDatabase) throws {
            self.db = db
            directory = try TestEnvironment.temporaryDirectory("apple-health-e2e")
            prefix = "apple_health_e2e_\(UUID().uuidString.prefix(8).lowercased())_"
            var environment = [
                "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()), "REDIS_PREFIX": prefix,
                "REDIS_CACHE_DB": "1", "CACHE_STORE": "redis", "QUEUE_CONNECTION": "redis", "REDIS_QUEUE": "pull",
                "REDIS_DB": "0", "CACHE_DRIVER": "redis", "SHUTTLE_LARAVEL_VERSION": "8", "SHUTTLE_APPLE_HEALTH_CHUNK": "2",
                "SHUTTLE_NOW": "2025-08-14T06:00:00Z",
            ]
            switch db.configuration.driver {
            case .sqlite(let path): environment.merge(["DB_CONNECTION": "sqlite", "DB_DATABASE": path]) { $1 }
            case .postgres(let pg):
                environment.merge(["DB_CONNECTION": "pgsql", "DB_HOST": pg.host, "DB_PORT": String(pg.port),
                                   "DB_DATABASE": pg.database, "DB_USERNAME": pg.username, "DB_PASSWORD": "",
                                   "DB_SSLMODE": "disable"]) { $1 }
            }
            self.environment = environment
        }

        func shuttle(_ arguments: [String]) throws -> ProcessResult {
            let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle").path
            return try ProcessRunner.run([binary] + arguments, environment: environment, currentDirectory: directory, check: false)
        }

        /// The controller's dispatch for one instance, the upload as the request body.
        func dispatchHook(instance: String, upload: [UInt8], secret: String = AppleHealthJobRunner.secret) throws {
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel/dispatch-apple-health.php").path
            let out = try ProcessRunner.php(script, [db.integrations[instance]!, secret], stdin: upload, environment: environment, check: false)
            XCTAssertEqual(out.status, 0, out.stderrText)
        }

        /// The fixtures in Health Auto Export's own envelope, `{"data": {"workouts": …, "metrics": …}}`.
        static func upload() throws -> [UInt8] {
            let workouts = try JSONParser.parse(try TestEnvironment.fixture("apple-health/workouts.json"))["workouts"]!
            let metrics = try JSONParser.parse(try TestEnvironment.fixture("apple-health/metrics.json"))["metrics"]!
            return try JSONWriter.encode(.object(JSONObject(["data": .object(JSONObject(["workouts": workouts, "metrics": metrics]))])))
        }
    }

    func endToEnd(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            try await DatabaseUuidFailedJobProvider(connection: db.connection).createTableIfMissing()
            let harness = try Harness(db)
            let upload = try Harness.upload()
            try harness.dispatchHook(instance: "workouts", upload: upload)
            try harness.dispatchHook(instance: "metrics", upload: upload)
            let out = try harness.shuttle(["work", "--queue", "pull", "--stop-when-empty", "--sleep", "0.1"])
            XCTAssertEqual(out.status, 0, out.stderrText)
            XCTAssertFalse(out.stderrText.contains("FAIL"), out.stderrText)
            XCTAssertFalse(out.stderrText.contains(AppleHealthJobRunner.secret), "the secret is never logged")
            let failed = try await db.count("failed_jobs")
            XCTAssertEqual(failed, 0)
            try await AppleHealthGoldenRowsTests.assertGolden(db)
        }
    }

    func phpRunsProcessingJobs(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            try await DatabaseUuidFailedJobProvider(connection: db.connection).createTableIfMissing()
            let harness = try Harness(db)
            let upload = try Harness.upload()
            try harness.dispatchHook(instance: "metrics", upload: upload)
            // Shuttle runs the hook only; the processing jobs it dispatched stay on the queue for PHP.
            let out = try harness.shuttle(["work", "--queue", "pull", "--max-jobs", "1", "--sleep", "0.1"])
            XCTAssertEqual(out.status, 0, out.stderrText)
            let worker = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel/work.php").path
            let php = try ProcessRunner.php(worker, ["redis", "--queue=pull", "--stop-when-empty", "--tries=1"],
                                            environment: harness.environment, check: false)
            XCTAssertEqual(php.status, 0, php.stderrText)
            let failed = try await db.count("failed_jobs")
            XCTAssertEqual(failed, 0, php.stderrText)
            let runs = try ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", String(try TestEnvironment.redisPort()),
                                              "--raw", "lrange", "\(harness.prefix)apple-health-runs", "0", "-1"])
            let entries = try runs.stdoutText.split(separator: "\n").map { try JSONParser.parse(String($0)) }
            // metrics.json: 28 series of 1 to 3 points, cut at 2 points per job.
            let expectedJobs = try JSONParser.parse(try TestEnvironment.fixture("apple-health/metrics.json"))["metrics"]!.arrayValue!
                .reduce(0) { $0 + (($1["data"]!.arrayValue!.count + 1) / 2) }
            XCTAssertEqual(entries.count, expectedJobs)
            XCTAssertEqual(entries.reduce(0) { $0 + ($1["points"]?.numberValue?.integerValue ?? 0) }, 53)
            for entry in entries {
                XCTAssertEqual(entry["class"]?.stringValue, AppleHealthMetricData.phpClass)
                XCTAssertEqual(entry["integration"]?.stringValue, db.integrations["metrics"])
                XCTAssertEqual(entry["instance_type"]?.stringValue, "metrics")
                XCTAssertEqual(entry["serviceName"]?.stringValue, "apple_health")
                XCTAssertEqual(entry["queue"]?.stringValue, "pull")
                XCTAssertEqual(entry["tries"]?.numberValue?.integerValue, 2)
            }
            let events = try await db.count("events")
            XCTAssertEqual(events, 0, "PHP's stand-in classes write nothing")
        }
    }

    /// A hook with a wrong secret and a processing job with an array for a number fail with a clear error and a
    /// failed_jobs row (their last attempt: `tries` 1 for the test), write nothing, and the worker carries on. The
    /// error text never holds the secret (the payload column keeps the job as pushed, header bag included, as PHP's).
    func failedJobs(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            try await DatabaseUuidFailedJobProvider(connection: db.connection).createTableIfMissing()
            let harness = try Harness(db)
            let runner = AppleHealthJobRunner(db)
            var hook = runner.hookJob(instance: "metrics", payload: try AppleHealthWebhookHookTests.nativeUpload(), secret: "not-the-secret")
            hook.overrides = PayloadOptionOverrides(tries: 1)
            var bad = runner.processingJob(AppleHealthMetricData.phpClass, instance: "metrics", rawData: try AppleHealthJobRunner.php(
                #"{"name":"step_count","units":"count","data":[{"date":"2025-08-12 02:00:00 +0100","qty":[7]}]}"#))
            bad.overrides = PayloadOptionOverrides(tries: 1)
            let good = runner.processingJob(AppleHealthMetricData.phpClass, instance: "metrics", rawData: try AppleHealthJobRunner.php(
                #"{"name":"step_count","units":"count","data":[{"date":"2025-08-12 03:00:00 +0100","qty":7}]}"#))
            // The right secret, then a body that is not JSON: it fails after the check, with the real secret in its payload.
            var unreadable = runner.hookJob(instance: "metrics", payload: .string(Array("not json".utf8)))
            unreadable.overrides = PayloadOptionOverrides(tries: 1)
            for job in [hook, bad, good, unreadable] {
                let payload = try Dispatcher().payload(for: job, identity: PayloadIdentity.random())
                _ = try ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", String(try TestEnvironment.redisPort()),
                                           "rpush", "\(harness.prefix)queues:pull", String(decoding: payload.rawBytes, as: UTF8.self)])
            }
            let out = try harness.shuttle(["work", "--queue", "pull", "--stop-when-empty", "--sleep", "0.1"])
            XCTAssertEqual(out.status, 0, out.stderrText)
            XCTAssertFalse(out.stderrText.contains(AppleHealthJobRunner.secret), "the secret is never logged")
            let failed = try await db.rows("select exception, payload from failed_jobs order by failed_at, id")
            let exceptions = failed.compactMap { $0["exception"]?.string }
            XCTAssertEqual(exceptions.count, 3)
            let payloads = failed.compactMap { $0["payload"]?.string }
            XCTAssertEqual(payloads.count, 3)
            XCTAssertFalse(payloads.contains { $0.contains(AppleHealthJobRunner.secret) || $0.contains("not-the-secret") },
                           "failed_jobs rows hold no webhook secret")
            let masked = String(repeating: "*", count: AppleHealthJobRunner.secret.utf8.count)
            let hookRows = payloads.filter { $0.contains("AppleHealthWebhookHook") }
            XCTAssertEqual(hookRows.count, 2)
            XCTAssertTrue(hookRows.allSatisfy { $0.contains("x-webhook-secret") && $0.contains("*****") }, "\(hookRows)")
            XCTAssertTrue(hookRows.contains { $0.contains("s:\(masked.utf8.count):\\\"\(masked)\\\"") }, "masked in place, its length kept")
            for row in hookRows { XCTAssertNoThrow(try Payload(bytes: Array(row.utf8)), "the row is still a payload") }
            XCTAssertTrue(exceptions.contains { $0.hasPrefix("Exception: Invalid webhook secret") }, "\(exceptions)")
            XCTAssertTrue(exceptions.contains { $0.contains("TypeError") && $0.contains("array where a number belongs") }, "\(exceptions)")
            XCTAssertFalse(exceptions.contains { $0.contains(AppleHealthJobRunner.secret) || $0.contains("not-the-secret") })
            let sources = try await db.rows("select source_id from events").compactMap { $0["source_id"]?.string }
            XCTAssertEqual(sources, ["apple_metric_step_count_2025-08-12_030000_0100"], "only the good job wrote")
        }
    }
}
