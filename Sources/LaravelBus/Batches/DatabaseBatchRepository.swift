import Database
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization
import LaravelQueue
import PHPFormats

/// The counters of Laravel job batches (`job_batches`) for batched jobs Shuttle runs, updated with the
/// same row lock and the same rules as `Illuminate\Bus\DatabaseBatchRepository` + `Batch`.
///
/// PHP callbacks (`then`, `catch`, `finally`, `progress`) are closures only PHP can run: Shuttle keeps
/// the counters, `failed_job_ids`, `finished_at` and `cancelled_at` right, and nothing more.
public final class DatabaseBatchRepository: Sendable {
    public let connection: any SQLConnection
    public let table: String
    private let now: @Sendable () -> Date

    public init(connection: any SQLConnection, table: String = "job_batches", now: @escaping @Sendable () -> Date = { Date() }) {
        self.connection = connection
        self.table = table
        self.now = now
    }

    private var t: String { connection.dialect.quote(identifier: table) }
    private var time: Int { Int(now().timeIntervalSince1970.rounded(.down)) }

    public func find(_ batchId: String) async throws -> BatchRecord? {
        try await connection.first("select * from \(t) where \"id\" = ? limit 1", [.text(batchId)]).map(Self.record)
    }

    /// A batched job succeeded (`Batch::recordSuccessfulJob`): one pending job less, its uuid removed from
    /// `failed_job_ids` (it may be a retry), and `finished_at` set when nothing is pending any more.
    /// Nil when the batch does not exist (pruned or deleted).
    @discardableResult
    public func recordSuccessfulJob(batchId: String, jobUuid: String) async throws -> UpdatedBatchJobCounts? {
        try await update(batchId) { batch, time in
            var counts = UpdatedBatchJobCounts(pendingJobs: batch.pendingJobs - 1, failedJobs: batch.failedJobs)
            var changes = BatchChanges(
                pendingJobs: counts.pendingJobs, failedJobs: counts.failedJobs,
                failedJobIds: batch.failedJobIds.filter { $0 != jobUuid })
            if counts.pendingJobs == 0 {
                changes.finishedAt = time
                counts.finishedNow = true
            }
            return (changes, counts)
        }
    }

    /// A batched job failed for good (`Batch::recordFailedJob`): one failure more, its uuid added to
    /// `failed_job_ids` once, and on the batch's first failure — unless it allows failures — the batch
    /// is cancelled (`cancelled_at` = `finished_at` = now).
    @discardableResult
    public func recordFailedJob(batchId: String, jobUuid: String) async throws -> UpdatedBatchJobCounts? {
        try await update(batchId) { batch, time in
            var counts = UpdatedBatchJobCounts(pendingJobs: batch.pendingJobs, failedJobs: batch.failedJobs + 1)
            var ids = batch.failedJobIds
            if !ids.contains(jobUuid) { ids.append(jobUuid) }
            var changes = BatchChanges(pendingJobs: counts.pendingJobs, failedJobs: counts.failedJobs, failedJobIds: ids)
            if counts.failedJobs == 1 && !batch.allowsFailures {
                changes.cancelledAt = time
                changes.finishedAt = time
                counts.cancelledNow = true
            }
            return (changes, counts)
        }
    }

    /// `Batch::cancel()`: sets `cancelled_at` and `finished_at` to now.
    public func cancel(_ batchId: String) async throws {
        let time = self.time
        try await connection.execute(
            "update \(t) set \"cancelled_at\" = ?, \"finished_at\" = ? where \"id\" = ?", [.int(time), .int(time), .text(batchId)])
    }

    /// Creates the table as Laravel's batches migration stub does, when absent (embedded SQLite, tests).
    public func createTableIfMissing() async throws {
        let (text, nullable) = connection.dialect == .sqlite ? ("varchar", "") : ("varchar(255)", " null")
        try await connection.execute(
            "create table if not exists \(t) (\"id\" \(text) not null, \"name\" \(text) not null, \"total_jobs\" integer not null, "
                + "\"pending_jobs\" integer not null, \"failed_jobs\" integer not null, \"failed_job_ids\" text not null, "
                + "\"options\" text\(nullable), \"cancelled_at\" integer\(nullable), \"created_at\" integer not null, "
                + "\"finished_at\" integer\(nullable), primary key (\"id\"))")
    }

    private struct BatchChanges {
        var pendingJobs: Int
        var failedJobs: Int
        var failedJobIds: [String]
        var cancelledAt: Int?
        var finishedAt: Int?
    }

    /// `updateAtomicValues`: read the row under lock (`FOR UPDATE` on PostgreSQL, the write transaction
    /// on SQLite), compute, write back, in one transaction.
    private func update(
        _ batchId: String, _ change: @escaping @Sendable (BatchRecord, Int) -> (BatchChanges, UpdatedBatchJobCounts)
    ) async throws -> UpdatedBatchJobCounts? {
        let t = self.t
        let time = self.time
        return try await connection.transaction { tx in
            let row = try await tx.first("select * from \(t) where \"id\" = ? limit 1\(tx.forUpdate)", [.text(batchId)])
            guard let row else { return nil }
            let (changes, counts) = change(Self.record(row), time)
            var sets = "\"pending_jobs\" = ?, \"failed_jobs\" = ?, \"failed_job_ids\" = ?"
            var bindings: [SQLValue] = [.int(changes.pendingJobs), .int(changes.failedJobs), .text(BatchFailedJobIds.encode(changes.failedJobIds))]
            if let cancelledAt = changes.cancelledAt {
                sets += ", \"cancelled_at\" = ?"
                bindings.append(.int(cancelledAt))
            }
            if let finishedAt = changes.finishedAt {
                sets += ", \"finished_at\" = ?"
                bindings.append(.int(finishedAt))
            }
            try await tx.execute("update \(t) set \(sets) where \"id\" = ?", bindings + [.text(batchId)])
            return counts
        }
    }

    static func record(_ row: SQLRow) -> BatchRecord {
        BatchRecord(
            id: row["id"]?.string ?? "", name: row["name"]?.string ?? "", totalJobs: row["total_jobs"]?.int ?? 0,
            pendingJobs: row["pending_jobs"]?.int ?? 0, failedJobs: row["failed_jobs"]?.int ?? 0,
            failedJobIds: BatchFailedJobIds.decodeStrings(row["failed_job_ids"]?.bytes ?? []),
            options: row["options"]?.bytes.flatMap(decodeOptions), createdAt: row["created_at"]?.int ?? 0,
            cancelledAt: row["cancelled_at"]?.int, finishedAt: row["finished_at"]?.int)
    }

    /// `options` is `serialize()`d, base64-encoded on PostgreSQL (recognised, as Laravel does, by having
    /// neither `:` nor `;`). Unreadable options count as none, as in Laravel 10+.
    static func decodeOptions(_ stored: [UInt8]) -> PHPValue? {
        var bytes = stored
        if !bytes.contains(UInt8(ascii: ":")) && !bytes.contains(UInt8(ascii: ";")) {
            guard let decoded = Data(base64Encoded: Data(bytes), options: .ignoreUnknownCharacters) else { return nil }
            bytes = [UInt8](decoded)
        }
        return try? PHPUnserializer.unserialize(bytes)
    }
}
