import Database
import LaravelQueue
import LaravelQueueTesting
import Monzo
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import XCTest

/// Malformed input: what the spec says (a pot without `id` or a balance without `_account` fails the job,
/// a missing integration fails it as ModelNotFoundException), or, where it is silent, the item skipped
/// with a logged reason and the rest written. Failing jobs write nothing (one transaction).
final class MonzoMalformedInputTests: XCTestCase {
    func testMalformedTransactionsAreSkippedOnPostgreSQL() async throws { try await malformedTransactions(.postgres) }
    func testMalformedTransactionsAreSkippedOnSQLite() async throws { try await malformedTransactions(.sqlite) }
    func testFailingJobsWriteNothingOnPostgreSQL() async throws { try await failingJobs(.postgres) }
    func testFailingJobsWriteNothingOnSQLite() async throws { try await failingJobs(.sqlite) }
    func testSoftDeletedEventIsLeftAloneOnPostgreSQL() async throws { try await softDeletedEvent(.postgres) }
    func testSoftDeletedEventIsLeftAloneOnSQLite() async throws { try await softDeletedEvent(.sqlite) }
    func testMissingMasterIsCreatedOnceOnPostgreSQL() async throws { try await missingMaster(.postgres) }
    func testMissingMasterIsCreatedOnceOnSQLite() async throws { try await missingMaster(.sqlite) }

    func malformedTransactions(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let all = try MonzoJobRunner.fixture("transactions.json").arrayValue!["transactions"]!.arrayValue!.values
            var badTime = all[1].arrayValue!
            badTime["created"] = .string("yesterday-ish")
            let list: [PHPValue] = [.string("not a transaction"), all[0], .int(7), .array(badTime), .null, all[2]]
            try await MonzoJobRunner(db, at: "2025-09-02T21:30:00Z").transactions(.array(PHPArray(list: list)))
            let sources = try await db.rows("select source_id from events order by source_id").compactMap { $0["source_id"]?.string }
            XCTAssertEqual(sources, [all[0], all[2]].compactMap { $0.arrayValue?["id"]?.stringValue }.sorted())
        }
    }

    func failingJobs(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let runner = MonzoJobRunner(db, at: "2025-09-02T21:30:00Z")
            var pots = try MonzoJobRunner.fixture("pots.json").arrayValue!["pots"]!.arrayValue!
            pots.entries[2].value.removeKey("id")
            await assertFails(try await runner.pots(.array(pots)), phpClass: "ErrorException", message: "Undefined array key \"id\"")

            let balance = try MonzoJobRunner.fixture("balance.json")
            await assertFails(try await runner.balance(balance), phpClass: "ErrorException", message: "Undefined array key \"_account\"")

            let gone = UUID().uuidString.lowercased()
            let job = runner.pendingJob(MonzoAccountData.phpClass, instance: "accounts", rawData: .array(PHPArray()), accountId: nil,
                                        integrationId: gone)
            await assertFails(try await runner.run(job), phpClass: ModelNotFound.phpClass,
                              message: "No query results for model [App\\Models\\Integration] \(gone)")

            let objects = try await db.count("objects")
            XCTAssertEqual(objects, 0, "a failed job leaves no row behind")
            let events = try await db.count("events")
            XCTAssertEqual(events, 0)
        }
    }

    /// Spec §3.5: the unique index covers soft-deleted events, so their source_id cannot be written again (PHP
    /// throws for that transaction); Shuttle leaves the deleted row alone, logs it, and writes the others.
    func softDeletedEvent(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let runner = MonzoJobRunner(db, at: "2025-09-02T21:30:00Z")
            let all = try MonzoJobRunner.fixture("transactions.json").arrayValue!["transactions"]!.arrayValue!.values
            try await runner.transactions(.array(PHPArray(list: [all[0]])))
            try await db.connection.execute("update events set deleted_at = ?, value = 1", [.text("2025-09-02 22:00:00")])
            try await runner.transactions(.array(PHPArray(list: [all[0], all[1]])))
            let rows = try await db.rows("select source_id, value, deleted_at is not null as deleted from events order by source_id")
            XCTAssertEqual(rows.count, 2)
            let deleted = try XCTUnwrap(rows.first { $0["source_id"]?.string == all[0].arrayValue?["id"]?.stringValue })
            XCTAssertEqual(deleted["value"]?.int, 1, "the soft-deleted row is not rewritten")
            XCTAssertEqual(deleted["deleted"]?.int, 1)
            let blocks = try await db.count("blocks")
            XCTAssertEqual(blocks, 3, "the first run's Merchant block, and the second transaction's Merchant and FX blocks")
        }
    }

    func missingMaster(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seedMaster: false) { db in
            let runner = MonzoJobRunner(db, at: "2025-09-02T21:30:00Z")
            let transactions = try MonzoJobRunner.fixture("transactions.json").arrayValue!["transactions"]!
            try await runner.transactions(transactions)
            try await runner.pots(try MonzoJobRunner.fixture("pots.json").arrayValue!["pots"]!)
            let masters = try await db.rows(
                "select name, \(db.json("configuration")) as configuration from integrations where instance_type = 'accounts' and deleted_at is null")
            XCTAssertEqual(masters.count, 1)
            XCTAssertEqual(masters.first?["name"]?.string, "Accounts (Master)")
            XCTAssertEqual(masters.first?["configuration"]?.string, "[]")
        }
    }

    private func assertFails(_ body: @autoclosure () async throws -> Void, phpClass: String, message: String,
                             file: StaticString = #filePath, line: UInt = #line) async {
        do {
            try await body()
            XCTFail("the job should have failed", file: file, line: line)
        } catch let error as JobException {
            XCTAssertEqual(error.phpClass, phpClass, file: file, line: line)
            XCTAssertEqual(error.message, message, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }
}

extension PHPValue {
    /// Removes a key of an array value (a malformed input is a good one with something missing).
    fileprivate mutating func removeKey(_ key: String) {
        guard case .array(var array) = self else { return }
        array[key] = nil
        self = .array(array)
    }
}
