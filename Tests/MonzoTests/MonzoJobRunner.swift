import Foundation
import LaravelQueue
import LaravelQueueTesting
import Monzo
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import TestSupport

/// Runs the Monzo jobs as the worker would: each from a real payload (what PHP's `dispatch` pushes for
/// the given Laravel version), its command unserialized, through `JobContext`.
struct MonzoJobRunner {
    let database: SparkTestDatabase
    var clock: SparkClock
    var settings = MonzoSettings(salaryName: "Example Employer Ltd")
    var version: LaravelVersion = .app

    init(_ database: SparkTestDatabase, at time: String) {
        self.database = database
        clock = SparkClock(fixedAt: time)!
    }

    var store: SparkStore { database.store(at: clock) }

    /// A fixture as PHP's `json_decode($json, true)` gives it.
    static func fixture(_ name: String) throws -> PHPValue {
        try PropertyJSON.phpValue(try JSONParser.parse(try TestEnvironment.fixture("monzo/\(name)")), property: "rawData")
    }

    /// The job as PHP serializes it (spec §4.4): protected properties, the integration as a ModelIdentifier.
    func pendingJob(_ className: String, instance: String, rawData: PHPValue, accountId: String?,
                    integrationId: String? = nil) -> PendingJob {
        var properties: [JobProperty] = []
        if let accountId { properties.append(JobProperty("accountId", .protected, .string(accountId), default: nil)) }
        let id = integrationId ?? database.integrations[instance]!
        properties.append(.model("integration", .protected, ModelIdentifier(
            modelClass: SparkIntegration.phpClass, id: .string(id), relations: ["user", "group"], connection: "pgsql")))
        properties.append(JobProperty("rawData", .protected, rawData, default: nil))
        properties.append(JobProperty("serviceName", .protected, .string("monzo"), default: nil))
        return PendingJob(className: className, properties: properties, version: version, shape: .serializesModels)
    }

    func handler(_ className: String) -> any JobHandler {
        switch className {
        case MonzoAccountData.phpClass: return MonzoAccountData(store: store)
        case MonzoPotData.phpClass: return MonzoPotData(store: store)
        case MonzoBalanceData.phpClass: return MonzoBalanceData(store: store)
        default: return MonzoTransactionData(store: store, settings: settings)
        }
    }

    func run(_ job: PendingJob) async throws {
        try await handler(job.className).handle(try JobContext.testing(job))
    }

    func account(_ raw: PHPValue) async throws {
        try await run(pendingJob(MonzoAccountData.phpClass, instance: "accounts", rawData: raw, accountId: nil))
    }

    func pots(_ raw: PHPValue, account: String = "acc_0000FAKE0000CURRENT0001") async throws {
        try await run(pendingJob(MonzoPotData.phpClass, instance: "pots", rawData: raw, accountId: account))
    }

    func balance(_ raw: PHPValue, account: String = "acc_0000FAKE0000CURRENT0001") async throws {
        try await run(pendingJob(MonzoBalanceData.phpClass, instance: "balances", rawData: raw, accountId: account))
    }

    func transactions(_ raw: PHPValue, account: String = "acc_0000FAKE0000CURRENT0001") async throws {
        try await run(pendingJob(MonzoTransactionData.phpClass, instance: "transactions", rawData: raw, accountId: account))
    }

    /// `expected-rows.json`'s `_scenario`: a balance the day before (balance + 4200), then on 2025-09-02 at
    /// 21:30 the accounts, pots, balance and both transaction files, in that order.
    static func replayScenario(_ database: SparkTestDatabase) async throws {
        let accounts = try fixture("accounts.json").arrayValue!["accounts"]!.arrayValue!.values
        let balance = try fixture("balance.json")
        func balanceData(plus: Int) -> PHPValue {
            var array = balance.arrayValue!
            array["balance"] = .int(array["balance"]!.intValue! + plus)
            array["_account"] = accounts[0]
            return .array(array)
        }
        try await MonzoJobRunner(database, at: "2025-09-01T21:30:00Z").balance(balanceData(plus: 4200))
        let day = MonzoJobRunner(database, at: "2025-09-02T21:30:00Z")
        for account in accounts { try await day.account(account) }
        try await day.pots(try fixture("pots.json").arrayValue!["pots"]!)
        try await day.balance(balanceData(plus: 0))
        try await day.transactions(try fixture("transactions.json").arrayValue!["transactions"]!)
        try await day.transactions(try fixture("transactions-synthetic-edge-cases.json").arrayValue!["transactions"]!)
    }
}
