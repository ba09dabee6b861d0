import Database
import Foundation
import HTTP
import LaravelQueue
import Logging
import Redis
import ShuttleProbe
import ShuttleRuntime
import Synchronization
import TestSupport
import XCTest

final class IntegrationHostTests: XCTestCase {
    private func resources(_ variables: [String: String] = [:], poolSize: Int = 2, redis: RedisConnection? = nil) throws -> IntegrationResources {
        var variables = variables
        if variables["DB_DATABASE"] == nil {
            variables["DB_DATABASE"] = try TestEnvironment.temporaryDirectory("shuttle-host").appendingPathComponent("app.sqlite").path
        }
        return IntegrationResources(environment: LaravelEnvironment(process: variables), poolSize: poolSize, workerName: "shuttle:test",
                                    redis: redis, logger: WorkerTestBed.logger)
    }

    func testAClassRegisteredTwiceStopsTheStartOnOneLineNamingBothIntegrations() async throws {
        let log = EventLog()
        do {
            _ = try await IntegrationHost([
                Recording("Billing", log: log, classes: ["App\\Jobs\\SendInvoice"]),
                ProbeIntegration(),
                Recording("Spark", log: log, classes: ["App\\Jobs\\Sync", "\\app\\jobs\\SENDINVOICE"]),
            ], resources: try resources())
            XCTFail("the host started with a class registered twice")
        } catch {
            XCTAssertEqual("\(error)", "job class \\app\\jobs\\SENDINVOICE is registered twice: by Billing (Handler) and by Spark (Handler)")
        }
        XCTAssertEqual(log.events, ["register Billing", "register Spark", "shutdown Billing"],
                       "what had started is shut down; Spark never started")
    }

    func testTheProbeCannotBeRegisteredByASecondIntegration() async throws {
        struct Copy: Integration {
            let name = "Copy"
            func register(into registrar: inout JobRegistrar, resources: IntegrationResources) async throws {
                try registrar.register("Shuttle\\Jobs\\Probe", ProbeJob(redis: nil, workerName: resources.workerName))
            }
        }
        do {
            _ = try await IntegrationHost([ProbeIntegration(), Copy()], resources: try resources())
            XCTFail("the probe was registered twice")
        } catch {
            XCTAssertEqual("\(error)", "job class Shuttle\\Jobs\\Probe is registered twice: by Probe (ProbeJob) and by Copy (ProbeJob)")
        }
    }

    func testAnIntegrationThatThrowsStopsTheStartOnOneLineNamingIt() async throws {
        let log = EventLog()
        do {
            _ = try await IntegrationHost([
                Recording("Billing", log: log),
                Recording("Reports", log: log, connections: ["reporting"]),
            ], resources: try resources())
            XCTFail("the host started with a database connection that does not exist")
        } catch {
            XCTAssertEqual("\(error)", "integration Reports could not start: database error: database connection 'reporting' is not a connection of Laravel's config/database.php: Shuttle understands sqlite and pgsql")
        }
        XCTAssertEqual(log.events, ["register Billing", "register Reports", "shutdown Billing"])
    }

    func testShutdownGoesIntegrationsInReverseThenPools() async throws {
        let log = EventLog()
        let resources = try resources()
        let host = try await IntegrationHost([
            Recording("A", log: log, connections: [nil]),
            Recording("B", log: log, connections: ["sqlite"]),
            Recording("C", log: log, connections: [nil]),
        ], resources: resources)
        let pool = try resources.database()
        XCTAssertTrue(pool === (try resources.database("sqlite")), "one pool per connection name, nil being DB_CONNECTION's")
        XCTAssertEqual(pool.size, 2)
        try await pool.execute("create table t (x integer)")

        await host.shutdown()

        // Each integration queried its pool while shutting down: pools close only after the last of them.
        XCTAssertEqual(log.events, ["register A", "register B", "register C", "shutdown C", "shutdown B", "shutdown A"])
        XCTAssertEqual(log.failures, [])
        XCTAssertTrue(pool.status.isClosed)
        XCTAssertEqual(pool.status.open, 0)
        XCTAssertThrowsError(try resources.database("pgsql"), "a pool made after shutdown would never be closed") { error in
            XCTAssertEqual((error as? DatabaseError)?.kind, .closed)
        }
    }

    func testTheHTTPClientIsSharedConfiguredFromTheEnvironmentAndShutDownWithTheHost() async throws {
        let resources = try resources(["SHUTTLE_HTTP_TIMEOUT": "5", "SSL_CERT_FILE": "/tls/ca.pem"], poolSize: 12)
        let host = try await IntegrationHost([Recording("A", log: EventLog())], resources: resources)
        let client = resources.http()
        XCTAssertTrue(client === resources.http(), "one client for every integration")
        XCTAssertEqual(client.configuration.timeout, .seconds(5))
        XCTAssertEqual(client.configuration.caFile, "/tls/ca.pem")
        XCTAssertEqual(client.configuration.maxConnections, 12, "as many requests at once as the pool has sessions")
        XCTAssertEqual(try self.resources(["SHUTTLE_HTTP_MAX_CONNECTIONS": "3"], poolSize: 12).http().configuration.maxConnections, 3)

        await host.shutdown()

        for shutDown in [client, resources.http()] {
            do {
                _ = try await shutDown.send(HTTPRequest(url: "https://127.0.0.1:1/"))
                XCTFail("the HTTP client still sends after shutdown")
            } catch let error as HTTPClientError {
                XCTAssertEqual(error.kind, .closed)
            }
        }
    }

    func testShutdownClosesTheAppsConnectionsLast() async throws {
        let scratch = try await RedisQueueScratch.make()
        let directory = try TestEnvironment.temporaryDirectory("shuttle-host-app")
        let configuration = try QueueConfiguration.resolve(LaravelEnvironment(process: [
            "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(scratch.port), "REDIS_PREFIX": scratch.prefix,
            "CACHE_STORE": "redis", "DB_CONNECTION": "sqlite", "DB_DATABASE": directory.appendingPathComponent("db.sqlite").path,
        ]))
        let app = try await QueueApplication.connect(configuration, embeddedDatabase: true, logger: WorkerTestBed.logger)
        let log = EventLog()
        let host = try await IntegrationHost([Recording("A", log: log, connections: [nil], pingsRedis: true)], application: app,
                                             concurrency: 3, workerName: "shuttle:test")
        XCTAssertEqual(host.resources.poolSize, 3, "pools default to the worker's concurrency")
        XCTAssertTrue(host.resources.redis === app.redis)

        await host.shutdown()

        XCTAssertEqual(log.events, ["register A", "shutdown A"])
        XCTAssertEqual(log.failures, [], "the app's Redis and the pool still worked while A shut down")
        do {
            _ = try await app.redis.send(RedisCommand("PING"))
            XCTFail("the queue's Redis connection is still open")
        } catch {}
        do {
            _ = try await app.database?.query("select 1")
            XCTFail("the app's database session is still open")
        } catch let error as DatabaseError {
            XCTAssertEqual(error.kind, .closed)
        }
        await scratch.cleanup()
    }

    func testThePoolSizeIsTheOptionElseSHUTTLE_DB_POOLElseTheConcurrency() throws {
        XCTAssertEqual(try IntegrationHost.poolSize(nil, environment: LaravelEnvironment(), concurrency: 4), 4)
        XCTAssertEqual(try IntegrationHost.poolSize(nil, environment: LaravelEnvironment(process: ["SHUTTLE_DB_POOL": "6"]), concurrency: 4), 6)
        XCTAssertEqual(try IntegrationHost.poolSize(2, environment: LaravelEnvironment(process: ["SHUTTLE_DB_POOL": "6"]), concurrency: 4), 2)
        XCTAssertThrowsError(try IntegrationHost.poolSize(0, environment: LaravelEnvironment(), concurrency: 4)) { error in
            XCTAssertEqual("\(error)", #"--db-pool="0" must be at least 1"#)
        }
        XCTAssertThrowsError(try IntegrationHost.poolSize(nil, environment: LaravelEnvironment(process: ["SHUTTLE_DB_POOL": "0"]), concurrency: 4)) { error in
            XCTAssertEqual("\(error)", #"SHUTTLE_DB_POOL="0" is not a number of database connections (1 or more)"#)
        }
    }
}

/// What the recording integrations did, in order, and what failed for them while shutting down.
private final class EventLog: Sendable {
    private let state = Mutex<(events: [String], failures: [String])>(([], []))
    func record(_ event: String) { state.withLock { $0.events.append(event) } }
    func fail(_ failure: String) { state.withLock { $0.failures.append(failure) } }
    var events: [String] { state.withLock { $0.events } }
    var failures: [String] { state.withLock { $0.failures } }
}

/// An integration that registers `classes`, asks for `connections`, and at shutdown uses what it was lent.
private final class Recording: Integration {
    struct Handler: JobHandler { func handle(_ context: JobContext) async throws {} }

    let name: String
    let log: EventLog
    let classes: [String]
    let connections: [String?]
    let pingsRedis: Bool
    private let lent = Mutex<(pools: [DatabasePool], redis: RedisConnection?)>(([], nil))

    init(_ name: String, log: EventLog, classes: [String] = [], connections: [String?] = [], pingsRedis: Bool = false) {
        self.name = name
        self.log = log
        self.classes = classes
        self.connections = connections
        self.pingsRedis = pingsRedis
    }

    func register(into registrar: inout JobRegistrar, resources: IntegrationResources) async throws {
        log.record("register \(name)")
        let pools = try connections.map { try resources.database($0) }
        lent.withLock { $0 = (pools, resources.redis) }
        for phpClass in classes { try registrar.register(phpClass, Handler()) }
    }

    func shutdown() async {
        log.record("shutdown \(name)")
        let (pools, redis) = lent.withLock { $0 }
        for pool in pools {
            do { _ = try await pool.query("select 1") } catch { log.fail("\(name) pool: \(error)") }
        }
        if pingsRedis {
            do { _ = try await redis?.send(RedisCommand("PING")) } catch { log.fail("\(name) redis: \(error)") }
        }
    }
}
