import Database
import Foundation
import LaravelQueue
import Logging
import Monzo
import PHPFormats
import PHPSerialization
import Redis
import Spark
import SparkSchedule
import SparkTestSupport
import TestSupport
import XCTest

/// `CheckIntegrationUpdates` natively, on a real Redis queue and both databases: which integrations are due
/// (spec §6.1/§6.2), what is pushed for each (the app's fetch job, as Laravel 12 serializes it), and the marking
/// that keeps the next minute from pushing again.
final class CheckIntegrationUpdatesTests: XCTestCase {
    static let start = "2025-09-02 21:30:00"

    func testDueMonzoInstancesGetOneFetchJobEachAndAreMarkedOnSQLite() async throws { try await dueInstances(.sqlite) }
    func testDueMonzoInstancesGetOneFetchJobEachAndAreMarkedOnPostgreSQL() async throws { try await dueInstances(.postgres) }
    func testSelectionFollowsTheAppsRulesOnSQLite() async throws { try await selection(.sqlite) }
    func testSelectionFollowsTheAppsRulesOnPostgreSQL() async throws { try await selection(.postgres) }

    private func dueInstances(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            try await db.connection.execute("update integration_groups set access_token = 'tok_secret_never_logged'")
            let bed = try await QueueBed.make()
            defer { bed.close() }
            let now = try XCTUnwrap(SparkTime.parse(Self.start)).unix
            let job = Self.handler(db, at: now)
            let summary = try await job.run(on: bed.queue)
            XCTAssertEqual(summary.due, 4)
            XCTAssertEqual(summary.skipped, 0)
            XCTAssertEqual(Set(summary.scheduled.map(\.jobClass)), [MonzoFetchJobs.accountPull, MonzoFetchJobs.transactionPull,
                                                                    MonzoFetchJobs.potPull, MonzoFetchJobs.balancePull])
            let pushed = try await bed.pushed()
            XCTAssertEqual(pushed.count, 4, "one fetch job per instance, on the connection's default queue (pull)")
            for payload in pushed {
                let id = try Self.integrationId(payload)
                let type = try XCTUnwrap(db.integrations.first { $0.value == id }?.key)
                XCTAssertEqual(payload.commandName, MonzoFetchJobs.routes.jobs[type])
                XCTAssertEqual(payload.displayName, payload.commandName)
                XCTAssertEqual(payload.maxTries, 3)
                XCTAssertEqual(payload.backoff, "60,300,600")
                XCTAssertEqual(payload.timeout, 120)
                // The command is the app's, byte for byte: the captured MonzoTransactionPull with this id and class.
                let captured = String(decoding: try TestEnvironment.fixture("queue/monzo-transaction-pull.command.bin"), as: UTF8.self)
                let className = try XCTUnwrap(payload.commandName)
                let expected = captured
                    .replacingOccurrences(of: "1ee00000-0000-4000-8000-0000000000t1", with: try Self.integrationId(payload))
                    .replacingOccurrences(of: "O:41:\"App\\Jobs\\OAuth\\Monzo\\MonzoTransactionPull\"",
                                          with: "O:\(className.utf8.count):\"\(className)\"")
                    .replacingOccurrences(of: "s:5:\"pgsql\"", with: "s:\(db.configuration.connectionName.utf8.count):\"\(db.configuration.connectionName)\"")
                XCTAssertEqual(payload.command, expected)
            }
            let triggered = try await db.rows("select \(db.time("last_triggered_at")) as t from integrations")
            XCTAssertEqual(triggered.map { $0["t"]?.string }, Array(repeating: Self.start, count: 4))

            // The next minute: every instance is processing (triggered, not yet updated), so nothing is pushed.
            let again = try await Self.handler(db, at: now + 60).run(on: bed.queue)
            XCTAssertEqual(again.scheduled, [])
            XCTAssertEqual(again.skipped, 4)
            let after = try await bed.pushed()
            XCTAssertEqual(after.count, 4)
        }
    }

    private func selection(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let bed = try await QueueBed.make()
            defer { bed.close() }
            let now = try XCTUnwrap(SparkTime.parse(Self.start)).unix
            // No access token on the group: OAuth instances are not selected at all.
            let none = try await Self.handler(db, at: now).run(on: bed.queue)
            XCTAssertEqual(none.due, 0)
            try await db.connection.execute("update integration_groups set access_token = 'tok'")
            let id = db.integrations
            // transactions: succeeded 10 min ago, every 15 min → not due. pots: succeeded 20 min ago → due.
            // balances: triggered 2 min ago after its last success, every 30 min → due but processing.
            // accounts: soft-deleted → not selected.
            try await db.connection.execute("update integrations set last_successful_update_at = ?, configuration = ? where id = ?",
                                            [.text("2025-09-02 21:20:00"), .text(#"{"update_frequency_minutes":15}"#), .text(id["transactions"]!)])
            try await db.connection.execute("update integrations set last_successful_update_at = ?, instance_type = null where id = ?",
                                            [.text("2025-09-02 21:10:00"), .text(id["pots"]!)])
            try await db.connection.execute(
                "update integrations set last_successful_update_at = ?, last_triggered_at = ?, configuration = ? where id = ?",
                [.text("2025-09-02 20:00:00"), .text("2025-09-02 21:28:00"), .text(#"{"update_frequency_minutes":"30"}"#),
                 .text(id["balances"]!)])
            try await db.connection.execute("update integrations set deleted_at = ? where id = ?", [.text(Self.start), .text(id["accounts"]!)])
            // Another user's hevy (API key: no group needed) and an unknown service (left to PHP untouched).
            try await db.connection.execute(
                """
                insert into integrations (id, user_id, service, name, instance_type, configuration, created_at, updated_at)
                values (?, ?, 'hevy', 'Hevy', null, '[]', ?, ?), (?, ?, 'strava', 'Strava', 'rides', '[]', ?, ?)
                """,
                [.text(Self.uuid(1)), .text(db.userId), .text(Self.start), .text(Self.start),
                 .text(Self.uuid(2)), .text(db.userId), .text(Self.start), .text(Self.start)])
            let summary = try await Self.handler(db, at: now).run(on: bed.queue)
            XCTAssertEqual(summary.due, 3, "pots, balances, hevy")
            XCTAssertEqual(summary.skipped, 1, "balances is processing")
            XCTAssertEqual(summary.scheduled.map(\.jobClass).sorted(), ["App\\Jobs\\OAuth\\Hevy\\HevyWorkoutPull", MonzoFetchJobs.transactionPull],
                           "a NULL instance type counts as transactions")
            let pushed = try await bed.pushed()
            XCTAssertEqual(pushed.compactMap(\.commandName).sorted(), summary.scheduled.map(\.jobClass).sorted())
            let marks = try await db.rows("select id, \(db.time("last_triggered_at")) as t from integrations")
            let triggered = Dictionary(uniqueKeysWithValues: marks.map { ($0["id"]!.string!, $0["t"]?.string) })
            XCTAssertEqual(triggered[id["pots"]!], Self.start)
            XCTAssertEqual(triggered[Self.uuid(1)], Self.start)
            XCTAssertEqual(triggered[id["balances"]!], "2025-09-02 21:28:00", "skipped: not marked again")
            XCTAssertEqual(triggered[id["transactions"]!], .some(nil))
            XCTAssertEqual(triggered[Self.uuid(2)], .some(nil), "an unknown service is not touched")
        }
    }

    /// What CheckIntegrationUpdates pushes for a Laravel 8 app, PHP's `queue:work` (the harness's Laravel 8.83)
    /// runs: the fetch job's Integration is restored from the ModelIdentifier with its `user` and `group`.
    func testPHPRunsTheFetchJobItPushesAsLaravel8() async throws {
        try await withDatabase(.sqlite) { db in
            try await DatabaseUuidFailedJobProvider(connection: db.connection).createTableIfMissing()
            try await db.connection.execute("update integration_groups set access_token = 'tok'")
            let bed = try await QueueBed.make()
            defer { bed.close() }
            var logger = Logger(label: "check-integration-updates")
            logger.logLevel = .error
            // The harness has the app's MonzoAccountPull only: route the accounts instance alone.
            let routes = FetchJobRoutes(service: "monzo", authentication: .oauth, defaultInstanceType: "transactions",
                                        jobs: ["accounts": MonzoFetchJobs.accountPull])
            let job = CheckIntegrationUpdates(store: db.store(at: .system), routes: [routes], dispatcher: Dispatcher(),
                                              databaseConnection: db.configuration.connectionName, version: .v8, logger: logger)
            let summary = try await job.run(on: bed.queue)
            XCTAssertEqual(summary.scheduled.map(\.jobClass), [MonzoFetchJobs.accountPull])
            guard case .sqlite(let path) = db.configuration.driver else { return XCTFail("sqlite") }
            let out = try ProcessRunner.php(
                TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel/work.php").path,
                ["--queue=pull", "--stop-when-empty", "--name=fetch"],
                environment: ["REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()),
                              "REDIS_PREFIX": bed.prefix, "REDIS_QUEUE": "pull", "DB_CONNECTION": "sqlite", "DB_DATABASE": path,
                              "CACHE_DRIVER": "array"], check: false)
            XCTAssertEqual(out.status, 0, out.stderrText)
            let events = out.stderrText.split(separator: "\n").filter { $0.hasPrefix("{") }.map(String.init)
            XCTAssertTrue(events.contains { $0.contains(#""event":"processed""#) && $0.contains("MonzoAccountPull") }, out.stderrText)
            XCTAssertFalse(events.contains { $0.contains(#""event":"failed""#) || $0.contains(#""event":"exception-occurred""#) },
                           out.stderrText)
        }
    }

    // MARK: -

    static func handler(_ db: SparkTestDatabase, at now: Int64) -> CheckIntegrationUpdates {
        var logger = Logger(label: "check-integration-updates")
        logger.logLevel = .error
        return CheckIntegrationUpdates(store: db.store(at: SparkClock(fixed: now)), routes: [MonzoFetchJobs.routes] + PHPFetchJobs.routes,
                                       dispatcher: Dispatcher(), databaseConnection: db.configuration.connectionName,
                                       version: .v12, logger: logger)
    }

    static func uuid(_ n: Int) -> String { "00000000-0000-4000-8000-00000000000\(n)" }

    static func integrationId(_ payload: Payload) throws -> String {
        let command = try PHPUnserializer.unserialize(try XCTUnwrap(payload.commandBytes))
        guard case .object(let object) = command, case .object(let model)? = object["integration"],
              let identifier = ModelIdentifier(model) else { throw XCTSkip("no ModelIdentifier in \(payload.rawText)") }
        XCTAssertEqual(identifier.relations, ["user", "group"])
        XCTAssertEqual(identifier.modelClass, SparkIntegration.phpClass)
        return try XCTUnwrap(identifier.id.stringValue)
    }
}

/// A Redis queue on the test server under a fresh prefix, default queue `pull` as Spark's.
struct QueueBed {
    let redis: RedisConnection
    let queue: RedisQueue
    let prefix: String

    static func make() async throws -> QueueBed {
        let prefix = "sched_\(UUID().uuidString.prefix(8).lowercased())_"
        let redis = try await RedisConnection(configuration: RedisConfiguration(host: TestEnvironment.redisHost,
                                                                                 port: try TestEnvironment.redisPort(), keyPrefix: prefix))
        return QueueBed(redis: redis, queue: RedisQueue(redis: redis, defaultQueue: "pull"), prefix: prefix)
    }

    func pushed(_ name: String = "pull") async throws -> [Payload] {
        let list = try await redis.send(RedisCommand("LRANGE", [.key("queues:\(name)"), .value("0"), .value("-1")]))
        return try (list.array ?? []).map { try Payload(bytes: $0.bytes ?? []) }
    }

    func close() { redis.close() }
}
