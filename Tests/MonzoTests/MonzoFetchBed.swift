import Database
import Foundation
import HTTP
import LaravelQueue
import Logging
import Monzo
import PHPFormats
import PHPSerialization
import Redis
import Spark
import SparkTestSupport
import Synchronization
import TestSupport

/// The fetch jobs' world: a Spark database (PostgreSQL or SQLite) whose Monzo group holds the fake's tokens,
/// the fake Monzo over HTTPS, a real Redis queue `pull` under a fresh prefix, the app's `failed_jobs`, and
/// a clock fixed on 2025-09-03 so the fixtures' transactions fall inside the 7-day window.
final class MonzoFetchBed: Sendable {
    static let now = "2025-09-03T00:00:00Z"
    static let clientSecret = "fake-client-secret"
    static let accessToken = "fake-access-token"
    static let refreshToken = "fake-refresh-token"
    static let current = "acc_0000FAKE0000CURRENT0001"

    let db: SparkTestDatabase
    let fake: FakeMonzo
    let pool: DatabasePool
    let store: SparkStore
    let redis: RedisConnection
    let queue: RedisQueue
    let logs = LogCapture(label: "shuttle.test.monzo")
    let failer: DatabaseUuidFailedJobProvider
    let chunkSize: Int
    /// The queue's Redis key prefix (PHP's `REDIS_PREFIX`).
    let prefix: String

    private init(db: SparkTestDatabase, fake: FakeMonzo, redis: RedisConnection, prefix: String, chunkSize: Int) {
        self.db = db
        self.fake = fake
        self.redis = redis
        self.prefix = prefix
        self.chunkSize = chunkSize
        pool = DatabasePool(configuration: db.configuration, size: 4)
        store = SparkStore(database: pool, clock: SparkClock(fixedAt: Self.now)!)
        queue = RedisQueue(connectionName: "redis", redis: redis, defaultQueue: "pull")
        failer = DatabaseUuidFailedJobProvider(connection: db.connection)
    }

    /// Runs `body` with a bed, tearing everything down afterwards whatever happens.
    /// - Parameter expiry: the group's token expiry, seconds from the bed's clock (negative: already expired).
    static func with(_ backend: SparkTestDatabase.Backend, fake arguments: [String] = [], expiry: Int64 = 3600, chunkSize: Int = 100,
                     _ body: (MonzoFetchBed) async throws -> Void) async throws {
        let fake = try await FakeMonzo(["--history-end", now] + arguments)
        let prefix = "monzo_fetch_\(UUID().uuidString.prefix(8).lowercased())_"
        let redis = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), keyPrefix: prefix))
        do {
            try await withDatabase(backend) { db in
                let bed = MonzoFetchBed(db: db, fake: fake, redis: redis, prefix: prefix, chunkSize: chunkSize)
                try await bed.failer.createTableIfMissing()
                try await bed.setTokens(access: accessToken, refresh: refreshToken, expiresIn: expiry)
                do {
                    try await body(bed)
                } catch {
                    await bed.pool.close()
                    throw error
                }
                await bed.pool.close()
            }
        } catch {
            await fake.stop()
            redis.close()
            throw error
        }
        await fake.stop()
        redis.close()
    }

    var settings: MonzoAPISettings {
        MonzoAPISettings(apiBase: fake.base, clientId: "fake-client-id", clientSecret: Self.clientSecret, chunkSize: chunkSize)
    }

    var connectionName: String { db.configuration.connectionName }

    func pull(_ kind: MonzoPull.Kind) -> MonzoPull {
        MonzoPull(kind, store: store, http: fake.http, settings: settings, connection: connectionName)
    }

    var historical: MonzoHistoricalData {
        MonzoHistoricalData(store: store, http: fake.http, settings: settings, connection: connectionName)
    }

    /// Every handler Shuttle registers for Spark, fetch and processing.
    var registry: JobRegistry {
        var registry = JobRegistry()
        for kind in MonzoPull.Kind.allCases { try! registry.register(kind.phpClass, pull(kind), by: "Monzo") }
        try! registry.register(MonzoHistoricalData.phpClass, historical, by: "Monzo")
        try! registry.register(MonzoAccountData.phpClass, MonzoAccountData(store: store), by: "Monzo")
        try! registry.register(MonzoTransactionData.phpClass, MonzoTransactionData(store: store, settings: MonzoSettings()), by: "Monzo")
        try! registry.register(MonzoPotData.phpClass, MonzoPotData(store: store), by: "Monzo")
        try! registry.register(MonzoBalanceData.phpClass, MonzoBalanceData(store: store), by: "Monzo")
        return registry
    }

    var services: WorkerServices { services(.app) }

    /// `version`: the Laravel whose payloads the worker writes (the PHP harness is 8.83).
    func services(_ version: LaravelVersion) -> WorkerServices {
        WorkerServices(failer: failer, laravelVersion: version, logger: logs.logger)
    }

    func setTokens(access: String?, refresh: String?, expiresIn: Int64) async throws {
        let expiry = SparkTime.text(unix: SparkClock(fixedAt: Self.now)!.now + expiresIn)
        try await db.connection.execute("update integration_groups set access_token = ?, refresh_token = ?, expiry = ? where id = ?",
                                        [access.map { .text($0) } ?? .null, refresh.map { .text($0) } ?? .null, .text(expiry), .text(db.groupId)])
    }

    func groupTokens() async throws -> (access: String?, refresh: String?, expiry: String?) {
        let row = try await db.rows("select access_token, refresh_token, \(db.time("expiry")) as expiry from integration_groups where id = ?",
                                    [.text(db.groupId)])[0]
        return (row["access_token"]?.string, row["refresh_token"]?.string, row["expiry"]?.string)
    }

    /// A fetch job as PHP's `MonzoTransactionPull::dispatch($integration)` queues it (spec §4.4).
    func fetchJob(_ className: String, instance: String, tries: Int = MonzoPull.tries) -> PendingJob {
        let identifier = ModelIdentifier(modelClass: SparkIntegration.phpClass, id: .string(db.integrations[instance]!),
                                         relations: ["user", "group"], connection: "pgsql")
        return PendingJob(className: className,
                          properties: [.model("integration", .protected, identifier),
                                       JobProperty("serviceName", .protected, .string("monzo"), default: nil)],
                          overrides: PayloadOptionOverrides(tries: tries, backoff: MonzoPull.backoff, timeout: MonzoPull.timeout),
                          version: .app, shape: .serializesModels)
    }

    /// Runs `handler` on `job` directly, as the worker would for attempt 1, with the bed's queue to dispatch to.
    func run(_ handler: any JobHandler, _ job: PendingJob) async -> (context: JobContext, error: (any Error)?) {
        let payload = try! Dispatcher().payload(for: job, identity: PayloadIdentity.random())
        let redisJob = RedisJob(connectionName: "redis", queue: "pull", rawBody: payload.rawBytes,
                                reserved: try! payload.withAttempts(1).rawBytes, payload: payload)
        let context = JobContext(job: redisJob, command: try! CommandDecoding.command(of: payload, encrypter: nil), logger: logs.logger,
                                 handler: handler, environment: JobEnvironment(queue: queue, registry: JobRegistry(), services: services))
        do {
            try await handler.handle(context)
            return (context, nil)
        } catch {
            return (context, error)
        }
    }

    /// Pushes `jobs` and runs a Shuttle worker with every Monzo handler until the queue is empty.
    /// `once`: take one job and stop (`--once`), e.g. a fetch job whose processing jobs PHP is to run.
    func work(_ jobs: [PendingJob], concurrency: Int = 1, once: Bool = false, version: LaravelVersion = .app) async throws {
        for job in jobs { try await Dispatcher().dispatch(job, on: queue) }
        var options = WorkerOptions()
        options.memory = 0  // no --memory limit: this worker runs inside the test process, whose RSS is not its own
        options.queues = ["pull"]
        options.stopWhenEmpty = !once
        options.once = once
        options.sleep = 0.05
        options.concurrency = concurrency
        options.timeout = 120
        _ = await Worker(queue: queue, registry: registry, options: options, services: services(version)).run()
    }

    /// What PHP's harness needs to reach this bed's Redis queue and database.
    var phpEnvironment: [String: String] {
        var environment = ["REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String((try? TestEnvironment.redisPort()) ?? 0),
                           "REDIS_PREFIX": prefix, "REDIS_QUEUE": "pull", "QUEUE_CONNECTION": "redis", "CACHE_DRIVER": "array"]
        switch db.configuration.driver {
        case .sqlite(let path): environment.merge(["DB_CONNECTION": "sqlite", "DB_DATABASE": path]) { $1 }
        case .postgres(let pg):
            environment.merge(["DB_CONNECTION": "pgsql", "DB_HOST": pg.host, "DB_PORT": String(pg.port), "DB_DATABASE": pg.database,
                               "DB_USERNAME": pg.username, "DB_PASSWORD": ""]) { $1 }
        }
        return environment
    }

    /// The jobs waiting on `pull`, oldest first.
    func queued() async throws -> [Payload] {
        try await redis.send(.lrange("queues:pull", 0, -1)).array!.map { try Payload(bytes: $0.bytes!) }
    }

    /// `:delayed` members with their scores.
    func delayed() async throws -> [(payload: Payload, availableAt: Int)] {
        let flat = try await redis.send(.zrange("queues:pull:delayed", 0, -1, withScores: true)).array!
        return try stride(from: 0, to: flat.count, by: 2).map { (try Payload(bytes: flat[$0].bytes!), Int(flat[$0 + 1].string!)!) }
    }

    /// A queued processing job's command, unserialized.
    func command(_ payload: Payload) throws -> PHPObject {
        try CommandDecoding.command(of: payload, encrypter: nil)!
    }

    func failedJobs() async throws -> [[String: SQLValue]] {
        try await db.rows("select uuid, connection, queue, payload, exception from failed_jobs")
    }

    func integrationTimes(_ instance: String) async throws -> (triggered: String?, updated: String?) {
        let row = try await db.rows("select \(db.time("last_triggered_at")) as t, \(db.time("last_successful_update_at")) as u from integrations where id = ?",
                                    [.text(db.integrations[instance]!)])[0]
        return (row["t"]?.string, row["u"]?.string)
    }
}
