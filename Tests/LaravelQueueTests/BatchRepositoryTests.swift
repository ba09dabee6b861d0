import Database
import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import PHPSerialization
import XCTest

final class BatchRepositoryTests: XCTestCase {
    typealias Clock = FailedJobProviderTests.Clock
    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// Inserts a batch as `DatabaseBatchRepository::store` + `incrementTotalJobs` leave it.
    static func insertBatch(_ db: any SQLConnection, jobs: Int, allowFailures: Bool?) async throws -> String {
        let id = UUID().uuidString.lowercased()
        var options = PHPArray()
        options["queue"] = .string("batches")
        if let allowFailures { options["allowFailures"] = .bool(allowFailures) }
        options["then"] = .array(PHPArray(list: [.custom(className: "Opis\\Closure\\SerializableClosure", data: Array("a:1:{x;}".utf8))]))
        let serialized = PHPSerializer.serialize(.array(options))
        let stored = db.dialect == .postgres ? Data(serialized).base64EncodedString() : String(decoding: serialized, as: UTF8.self)
        try await db.execute(
            "insert into \"job_batches\" (\"id\", \"name\", \"total_jobs\", \"pending_jobs\", \"failed_jobs\", \"failed_job_ids\", "
                + "\"options\", \"created_at\", \"cancelled_at\", \"finished_at\") values (?, ?, ?, ?, 0, '[]', ?, ?, null, null)",
            [.text(id), "import", .int(jobs), .int(jobs), .text(stored), .int(1_699_999_000)])
        return id
    }

    private func repository(_ db: QueueTestDatabase, _ clock: Clock) async throws -> DatabaseBatchRepository {
        let repository = DatabaseBatchRepository(connection: db.connection) { clock.now }
        try await repository.createTableIfMissing()
        try await repository.createTableIfMissing()
        return repository
    }

    func testSuccessesCountDownAndFinish() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let repository = try await self.repository(db, clock)
            let id = try await Self.insertBatch(db.connection, jobs: 3, allowFailures: nil)
            var results: [UpdatedBatchJobCounts?] = []
            for job in ["j1", "j2", "j3"] {
                clock.advance(hours: 1)
                results.append(try await repository.recordSuccessfulJob(batchId: id, jobUuid: job))
            }
            XCTAssertEqual(results.map { $0?.pendingJobs }, [2, 1, 0])
            XCTAssertEqual(results.map { $0?.finishedNow }, [false, false, true])
            XCTAssertEqual(results.last??.allJobsHaveRanExactlyOnce, true)
            let batch = try await repository.find(id)
            XCTAssertEqual(batch?.pendingJobs, 0)
            XCTAssertEqual(batch?.processedJobs, 3)
            XCTAssertEqual(batch?.finishedAt, 1_700_000_000 + 3 * 3600)
            XCTAssertNil(batch?.cancelledAt)
            XCTAssertEqual(batch?.options?.arrayValue?["queue"], .string("batches"))
            let missing = try await repository.recordSuccessfulJob(batchId: "no-such-batch", jobUuid: "j")
            XCTAssertNil(missing)
        }
    }

    func testFirstFailureCancelsUnlessFailuresAreAllowed() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let repository = try await self.repository(db, clock)
            let strict = try await Self.insertBatch(db.connection, jobs: 4, allowFailures: false)
            let lenient = try await Self.insertBatch(db.connection, jobs: 4, allowFailures: true)

            let first = try await repository.recordFailedJob(batchId: strict, jobUuid: "f1")
            XCTAssertEqual(first, UpdatedBatchJobCounts(pendingJobs: 4, failedJobs: 1, cancelledNow: true))
            clock.advance(hours: 1)
            let second = try await repository.recordFailedJob(batchId: strict, jobUuid: "f2")
            let again = try await repository.recordFailedJob(batchId: strict, jobUuid: "f1")
            XCTAssertEqual(second?.cancelledNow, false)
            XCTAssertEqual(again?.failedJobs, 3)
            let cancelled = try await repository.find(strict)
            XCTAssertEqual(cancelled?.cancelledAt, 1_700_000_000, "cancelled at the first failure only")
            XCTAssertEqual(cancelled?.finishedAt, 1_700_000_000)
            XCTAssertEqual(cancelled?.failedJobIds, ["f1", "f2"], "uuids are recorded once")
            XCTAssertEqual(cancelled?.allowsFailures, false)
            let raw = try await db.connection.first("select \"failed_job_ids\" from \"job_batches\" where \"id\" = ?", [.text(strict)])
            XCTAssertEqual(raw?["failed_job_ids"], "[\"f1\",\"f2\"]")

            let tolerated = try await repository.recordFailedJob(batchId: lenient, jobUuid: "f1")
            XCTAssertEqual(tolerated?.cancelledNow, false)
            let open = try await repository.find(lenient)
            XCTAssertEqual(open?.allowsFailures, true)
            XCTAssertNil(open?.cancelledAt)
            XCTAssertNil(open?.finishedAt)

            // A retried job that now succeeds leaves failed_job_ids (failed_jobs stays, as in Laravel).
            let retried = try await repository.recordSuccessfulJob(batchId: lenient, jobUuid: "f1")
            XCTAssertEqual(retried, UpdatedBatchJobCounts(pendingJobs: 3, failedJobs: 1))
            let afterRetry = try await repository.find(lenient)
            XCTAssertEqual(afterRetry?.failedJobIds, [])
        }
    }

    func testConcurrentUpdatesFromTwoSessionsAreNotLost() async throws {
        try await QueueTestDatabases.forEach { db in
            let clock = Clock(Self.start)
            let first = try await self.repository(db, clock)
            let other: any SQLConnection =
                db.connection.dialect == .postgres
                ? try await PostgresConnection(configuration: (db.connection as! PostgresConnection).configuration)
                : try SQLiteConnection(path: (db.connection as! SQLiteConnection).path)
            defer { other.close() }
            let second = DatabaseBatchRepository(connection: other) { clock.now }
            let id = try await Self.insertBatch(db.connection, jobs: 30, allowFailures: true)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<30 {
                    let repository = i % 2 == 0 ? first : second
                    group.addTask {
                        if i % 5 == 0 {
                            _ = try await repository.recordFailedJob(batchId: id, jobUuid: "job-\(i)")
                        } else {
                            _ = try await repository.recordSuccessfulJob(batchId: id, jobUuid: "job-\(i)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let batch = try await first.find(id)
            XCTAssertEqual(batch?.pendingJobs, 6)
            XCTAssertEqual(batch?.failedJobs, 6)
            XCTAssertEqual(Set(batch?.failedJobIds ?? []), Set([0, 5, 10, 15, 20, 25].map { "job-\($0)" }))
            XCTAssertNil(batch?.finishedAt)
        }
    }

    func testCreatedTableMatchesLaravelsMigration() async throws {
        try await QueueTestDatabases.forEach { ours in
            try await DatabaseBatchRepository(connection: ours.connection).createTableIfMissing()
            let theirs = ours.connection.dialect == .sqlite ? try QueueTestDatabases.sqlite() : try await QueueTestDatabases.postgres()
            _ = try LaravelDatabasePHP.run(theirs, "migrate")
            let expected = try await FailedJobInteropTests.describe("job_batches", theirs.connection)
            try await theirs.cleanup()
            let actual = try await FailedJobInteropTests.describe("job_batches", ours.connection)
            XCTAssertEqual(actual, expected)
        }
    }
}
