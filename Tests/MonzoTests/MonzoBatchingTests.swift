import Database
import LaravelQueue
import LaravelQueueTesting
import Monzo
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import XCTest

/// Batched writes: a job of 100 transactions costs a fixed handful of statements (PHP sends hundreds), and
/// the jobs read the same properties from the payloads of every Laravel major.
final class MonzoBatchingTests: XCTestCase {
    func testHundredTransactionsTakeAHandfulOfRoundTripsOnPostgreSQL() async throws { try await roundTrips(.postgres) }
    func testHundredTransactionsTakeAHandfulOfRoundTripsOnSQLite() async throws { try await roundTrips(.sqlite) }
    func testPayloadsOfEveryLaravelMajorOnSQLite() async throws { try await everyMajor(.sqlite) }

    /// 100 fixture-shaped transactions (the realistic file, cycled with fresh ids).
    static func hundredTransactions() throws -> PHPValue {
        let fixture = try MonzoJobRunner.fixture("transactions.json").arrayValue!["transactions"]!.arrayValue!.values
        return .array(PHPArray(list: (0..<100).map { n in
            var tx = fixture[n % fixture.count].arrayValue!
            tx["id"] = .string("tx_batch_\(n)")
            return .array(tx)
        }))
    }

    func roundTrips(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let runner = MonzoJobRunner(db, at: "2025-09-02T21:30:00Z")
            let store = runner.store
            let job = runner.pendingJob(MonzoTransactionData.phpClass, instance: "transactions", rawData: try Self.hundredTransactions(),
                                        accountId: "acc_0000FAKE0000CURRENT0001")
            try await MonzoTransactionData(store: store, settings: runner.settings).handle(try JobContext.testing(job))
            let first = store.roundTrips.value
            try await MonzoTransactionData(store: store, settings: runner.settings).handle(try JobContext.testing(job))
            let second = store.roundTrips.value - first
            let events = try await db.count("events")
            XCTAssertEqual(events, 100)
            // begin, integration, master, pots, [locks], objects ×2–3, events ×2, blocks ×2, tags ×1–5, taggables, commit
            XCTAssertLessThanOrEqual(first, 20, "first run")
            XCTAssertLessThanOrEqual(second, 14, "re-run: nothing new to create")
            print("round trips for 100 transactions on \(backend): first run \(first), re-run \(second)")
        }
    }

    func everyMajor(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let accounts = try MonzoJobRunner.fixture("accounts.json").arrayValue!["accounts"]!.arrayValue!.values
            for version in [LaravelVersion.v8, .v9, .v10, .v11, .v12, .v12_67, .v13] {
                var runner = MonzoJobRunner(db, at: "2025-09-02T21:30:00Z")
                runner.version = version
                try await runner.account(accounts[1])
            }
            let accountsWritten = try await db.rows("select title from objects where concept = 'account'")
            XCTAssertEqual(accountsWritten.compactMap { $0["title"]?.string }, ["Joint Account"])
        }
    }
}
