import Database
import LaravelQueue
import LaravelQueueTesting
import Monzo
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import XCTest

/// Many jobs in flight at once, each on its own pooled session, all paying the same merchant: `objects`
/// has no unique key, yet the counterparty (and the account, the tags, the master) exist once.
final class MonzoConcurrencyTests: XCTestCase {
    func testConcurrentJobsCreateOneCounterpartyOnPostgreSQL() async throws { try await concurrentJobs(.postgres, seedMaster: true) }
    func testConcurrentJobsCreateOneCounterpartyOnSQLite() async throws { try await concurrentJobs(.sqlite, seedMaster: true) }
    func testConcurrentJobsCreateOneMasterOnPostgreSQL() async throws { try await concurrentJobs(.postgres, seedMaster: false) }
    func testConcurrentJobsCreateOneMasterOnSQLite() async throws { try await concurrentJobs(.sqlite, seedMaster: false) }

    /// With the master seeded nothing else serializes the jobs before their object upserts; without it, every
    /// job also races to create the `accounts` instance.
    func concurrentJobs(_ backend: SparkTestDatabase.Backend, seedMaster: Bool) async throws {
        try await withDatabase(backend, seedMaster: seedMaster) { db in
            let template = try MonzoJobRunner.fixture("transactions.json").arrayValue!["transactions"]!.arrayValue!.values[0].arrayValue!
            let runner = MonzoJobRunner(db, at: "2025-09-02T21:30:00Z")
            let pool = DatabasePool(configuration: db.configuration, size: 8)
            let store = SparkStore(database: pool, clock: runner.clock)
            let jobs = 24
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<jobs {
                    var tx = template
                    tx["id"] = .string("tx_concurrent_\(n)")
                    // Each job brings a tag of its own besides the shared ones, so tag creation races too.
                    tx["local_currency"] = .string("X\(n % 3)")
                    let job = runner.pendingJob(MonzoTransactionData.phpClass, instance: "transactions",
                                                rawData: .array(PHPArray(list: [.array(tx)])), accountId: "acc_0000FAKE0000CURRENT0001")
                    group.addTask {
                        try await MonzoTransactionData(store: store, settings: runner.settings).handle(try JobContext.testing(job))
                    }
                }
                try await group.waitForAll()
            }
            await pool.close()
            let counterparties = try await db.count("objects", "type = 'monzo_counterparty'")
            XCTAssertEqual(counterparties, 1)
            let accounts = try await db.count("objects", "type = 'monzo_account'")
            XCTAssertEqual(accounts, 1)
            let events = try await db.count("events")
            XCTAssertEqual(events, jobs)
            let masters = try await db.count("integrations", "instance_type = 'accounts'")
            XCTAssertEqual(masters, 1)
            let duplicateTags = try await db.rows("select \(db.json("name")) as name, count(*) as n from tags group by \(db.json("name")) having count(*) > 1")
            XCTAssertEqual(duplicateTags.count, 0, "\(duplicateTags)")
            let orders = try await db.rows("select order_column from tags order by order_column")
            XCTAssertEqual(orders.compactMap { $0["order_column"]?.int }, Array(1...orders.count))
            let taggables = try await db.count("taggables")
            XCTAssertEqual(taggables, jobs * 7)
        }
    }
}
