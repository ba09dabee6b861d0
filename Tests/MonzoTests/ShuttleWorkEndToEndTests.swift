import Database
import Foundation
import LaravelQueue
import PHPFormats
import Spark
import SparkTestSupport
import TestSupport
import XCTest

/// The whole path as it runs in production: the four jobs are pushed, by `shuttle dispatch` as Laravel 12 would
/// or by real PHP (the harness's Laravel 8 with the app's job classes and constructors, the Integration read from
/// the database), each holding the integration as a ModelIdentifier; `shuttle work --stop-when-empty` runs them at
/// the scenario's clocks (`SHUTTLE_NOW`), with `MONZO_SALARY_NAME` from the app's `.env`, into PostgreSQL or
/// SQLite; the rows are the golden ones.
final class ShuttleWorkEndToEndTests: XCTestCase {
    enum Producer { case shuttle, php }

    func testDispatchedJobsRunIntoPostgreSQL() async throws { try await endToEnd(.postgres, .shuttle) }
    func testDispatchedJobsRunIntoSQLite() async throws { try await endToEnd(.sqlite, .shuttle) }
    func testJobsPHPDispatchedRunIntoPostgreSQL() async throws { try await endToEnd(.postgres, .php) }
    func testJobsPHPDispatchedRunIntoSQLite() async throws { try await endToEnd(.sqlite, .php) }

    func endToEnd(_ backend: SparkTestDatabase.Backend, _ producer: Producer) async throws {
        try await withDatabase(backend) { db in
            try await DatabaseUuidFailedJobProvider(connection: db.connection).createTableIfMissing()
            let directory = try TestEnvironment.temporaryDirectory("spark-e2e")
            try "MONZO_SALARY_NAME=\"Example Employer Ltd\"\n".write(to: directory.appendingPathComponent(".env"), atomically: true,
                                                                        encoding: .utf8)
            let prefix = "spark_e2e_\(UUID().uuidString.prefix(8).lowercased())_"
            var environment = [
                "REDIS_HOST": TestEnvironment.redisHost, "REDIS_PORT": String(try TestEnvironment.redisPort()), "REDIS_PREFIX": prefix,
                "REDIS_CACHE_DB": "1", "CACHE_STORE": "redis", "QUEUE_CONNECTION": "redis", "REDIS_QUEUE": "pull",
                "REDIS_DB": "0", "CACHE_DRIVER": "redis", "SHUTTLE_LARAVEL_VERSION": producer == .php ? "8" : "12",
            ]
            switch db.configuration.driver {
            case .sqlite(let path): environment.merge(["DB_CONNECTION": "sqlite", "DB_DATABASE": path]) { $1 }
            case .postgres(let pg):
                environment.merge(["DB_CONNECTION": "pgsql", "DB_HOST": pg.host, "DB_PORT": String(pg.port),
                                   "DB_DATABASE": pg.database, "DB_USERNAME": pg.username, "DB_PASSWORD": "",
                                   "DB_SSLMODE": "disable"]) { $1 }
            }
            func shuttle(_ arguments: [String], now: String? = nil) throws -> ProcessResult {
                var env = environment
                if let now { env["SHUTTLE_NOW"] = now }
                let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle").path
                return try ProcessRunner.run([binary] + arguments, environment: env, currentDirectory: directory, check: false)
            }
            func dispatch(_ className: String, instance: String, rawData: JSONValue, accountId: String?) throws {
                if producer == .php {
                    let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel/dispatch-monzo.php").path
                    let arguments = [String(className.split(separator: "\\").last!), db.integrations[instance]!] + (accountId.map { [$0] } ?? [])
                    let out = try ProcessRunner.php(script, arguments, stdin: try JSONWriter.encode(rawData), environment: environment,
                                                    check: false)
                    XCTAssertEqual(out.status, 0, out.stderrText)
                    return
                }
                var properties = JSONObject()
                if let accountId { properties["*accountId"] = .string(accountId) }
                properties["*integration"] = .object(JSONObject([
                    "@model": .string(SparkIntegration.phpClass), "id": .string(db.integrations[instance]!),
                    "relations": .array([.string("user"), .string("group")]), "connection": .string("pgsql"),
                ]))
                properties["*rawData"] = rawData
                properties["*serviceName"] = .string("monzo")
                let json = String(decoding: try JSONWriter.encode(.object(properties)), as: UTF8.self)
                let out = try shuttle(["dispatch", className, "--queue", "pull", "--properties", json])
                XCTAssertEqual(out.status, 0, out.stderrText)
            }
            func work(at now: String) throws {
                let out = try shuttle(["work", "--queue", "pull", "--stop-when-empty", "--sleep", "0.1"], now: now)
                XCTAssertEqual(out.status, 0, out.stderrText)
                XCTAssertTrue(out.stderrText.contains("SHUTTLE_NOW"), out.stderrText)
                XCTAssertFalse(out.stderrText.contains("FAIL"), out.stderrText)
            }
            func fixture(_ name: String) throws -> JSONValue { try JSONParser.parse(try TestEnvironment.fixture("monzo/\(name)")) }

            let accounts = try fixture("accounts.json")["accounts"]!.arrayValue!
            func balance(plus: Int) throws -> JSONValue {
                var object = try fixture("balance.json").objectValue!
                object["balance"] = .int(object["balance"]!.numberValue!.integerValue! + plus)
                object["_account"] = accounts[0]
                return .object(object)
            }
            let current = "acc_0000FAKE0000CURRENT0001"
            try dispatch("App\\Jobs\\Data\\Monzo\\MonzoBalanceData", instance: "balances", rawData: try balance(plus: 4200), accountId: current)
            try work(at: "2025-09-01T21:30:00Z")
            for account in accounts {
                try dispatch("App\\Jobs\\Data\\Monzo\\MonzoAccountData", instance: "accounts", rawData: account, accountId: nil)
            }
            try dispatch("App\\Jobs\\Data\\Monzo\\MonzoPotData", instance: "pots", rawData: try fixture("pots.json")["pots"]!, accountId: current)
            try dispatch("App\\Jobs\\Data\\Monzo\\MonzoBalanceData", instance: "balances", rawData: try balance(plus: 0), accountId: current)
            try dispatch("App\\Jobs\\Data\\Monzo\\MonzoTransactionData", instance: "transactions",
                         rawData: try fixture("transactions.json")["transactions"]!, accountId: current)
            try dispatch("App\\Jobs\\Data\\Monzo\\MonzoTransactionData", instance: "transactions",
                         rawData: try fixture("transactions-synthetic-edge-cases.json")["transactions"]!, accountId: current)
            try work(at: "2025-09-02T21:30:00Z")

            let failed = try await db.count("failed_jobs")
            XCTAssertEqual(failed, 0)
            let actual = try await SparkRows.read(db)
            let expected = try SparkRows.expected()
            XCTAssertEqual(actual.events.count, expected.events.count)
            for (sourceId, event) in expected.events.sorted(by: { $0.key < $1.key }) {
                XCTAssertEqual(actual.events[sourceId], event, "event \(sourceId)")
            }
            XCTAssertEqual(Set(actual.objects.keys), Set(expected.objects.keys))
            for (name, object) in expected.objects {
                XCTAssertEqual(actual.objects[name], object, "object \(name)")
            }
            XCTAssertEqual(actual.tagNames, expected.tagNames)
        }
    }
}
