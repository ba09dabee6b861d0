import Database
import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import XCTest

/// Batches created by Laravel 8's real `PendingBatch`/`DatabaseBatchRepository` (options with Opis
/// closures, base64 on PostgreSQL), updated by Shuttle, then read by Laravel's `Batch` — and the reverse.
final class BatchInteropTests: XCTestCase {
    private func store(_ db: QueueTestDatabase, jobs: Int, allowFailures: Bool) throws -> String {
        try XCTUnwrap(
            LaravelDatabasePHP.run(
                db, "batch.store", ["name": "import", "jobs": jobs, "allowFailures": allowFailures, "withCallbacks": true])
                as? String)
    }

    private func phpBatch(_ db: QueueTestDatabase, _ id: String) throws -> [String: Any] {
        try XCTUnwrap(LaravelDatabasePHP.run(db, "batch.find", ["id": id]) as? [String: Any])
    }

    func testLaravelSeesShuttlesUpdates() async throws {
        try await QueueTestDatabases.forEach { db in
            _ = try LaravelDatabasePHP.run(db, "migrate")
            let repository = DatabaseBatchRepository(connection: db.connection)

            let strict = try self.store(db, jobs: 2, allowFailures: false)
            let before = try await repository.find(strict)
            XCTAssertEqual(before?.allowsFailures, false)
            XCTAssertEqual(before?.totalJobs, 2)
            let failed = try await repository.recordFailedJob(batchId: strict, jobUuid: "job-a")
            XCTAssertEqual(failed?.cancelledNow, true)
            var php = try self.phpBatch(db, strict)
            XCTAssertEqual(php["cancelled"] as? Bool, true)
            XCTAssertEqual(php["finished"] as? Bool, true)
            XCTAssertEqual(php["failedJobs"] as? Int, 1)
            XCTAssertEqual(php["failedJobIds"] as? [String], ["job-a"])

            let lenient = try self.store(db, jobs: 2, allowFailures: true)
            let lenientRecord = try await repository.find(lenient)
            XCTAssertEqual(lenientRecord?.allowsFailures, true, "allowFailures read from PHP's serialized options")
            try await repository.recordFailedJob(batchId: lenient, jobUuid: "job-b")
            try await repository.recordSuccessfulJob(batchId: lenient, jobUuid: "job-c")
            php = try self.phpBatch(db, lenient)
            XCTAssertEqual(php["cancelled"] as? Bool, false)
            XCTAssertEqual(php["finished"] as? Bool, false)
            XCTAssertEqual(php["pendingJobs"] as? Int, 1)
            XCTAssertEqual(php["processedJobs"] as? Int, 1)
            XCTAssertEqual(php["allowsFailures"] as? Bool, true)
            let last = try await repository.recordSuccessfulJob(batchId: lenient, jobUuid: "job-b")
            XCTAssertEqual(last?.finishedNow, true)
            php = try self.phpBatch(db, lenient)
            XCTAssertEqual(php["finished"] as? Bool, true)
            XCTAssertEqual(php["failedJobIds"] as? [String], [])
        }
    }

    func testShuttleSeesLaravelsUpdates() async throws {
        try await QueueTestDatabases.forEach { db in
            _ = try LaravelDatabasePHP.run(db, "migrate")
            let repository = DatabaseBatchRepository(connection: db.connection)
            let id = try self.store(db, jobs: 3, allowFailures: false)
            _ = try LaravelDatabasePHP.run(db, "batch.recordSuccessfulJob", ["id": id, "job": "job-1"])
            _ = try LaravelDatabasePHP.run(db, "batch.recordFailedJob", ["id": id, "job": "job-2"])
            let batch = try await repository.find(id)
            XCTAssertEqual(batch?.pendingJobs, 2)
            XCTAssertEqual(batch?.failedJobs, 1)
            XCTAssertEqual(batch?.failedJobIds, ["job-2"])
            XCTAssertEqual(batch?.cancelled, true)
            XCTAssertEqual(batch?.name, "import")
            // Shuttle continues where PHP left off; the second failure does not re-cancel.
            let counts = try await repository.recordFailedJob(batchId: id, jobUuid: "job-3")
            XCTAssertEqual(counts, UpdatedBatchJobCounts(pendingJobs: 2, failedJobs: 2))
            let php = try self.phpBatch(db, id)
            XCTAssertEqual(php["failedJobIds"] as? [String], ["job-2", "job-3"])
        }
    }
}
