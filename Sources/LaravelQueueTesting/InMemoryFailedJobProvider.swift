#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LaravelQueue
import PHPFormats
import Synchronization

/// A `failed_jobs` table in memory, with the rules of `DatabaseUuidFailedJobProvider` (Laravel's
/// `database-uuids` failer), so a test sees exactly the rows a worker would write without a database.
///
/// Like the table, it refuses a payload that is not UTF-8 or has no string `uuid`, and a second row with a
/// uuid already recorded (the unique index).
public final class InMemoryFailedJobProvider: FailedJobProvider {
    public struct Refused: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "cannot record failed job: \(reason)" }
    }

    /// The app's timezone: `failed_at` is the clock's time formatted there.
    public let timeZone: ZoneInfo
    private let now: @Sendable () -> Date
    /// Oldest first, with the time each failed.
    private let rows = Mutex<(records: [(record: FailedJobRecord, failedAt: Date)], lastID: Int64)>(([], 0))

    public init(timeZone: ZoneInfo = .utc, now: @escaping @Sendable () -> Date = { Date() }) {
        self.timeZone = timeZone
        self.now = now
    }

    @discardableResult
    public func log(connection: String, queue: String, payload: [UInt8], exception: String) async throws -> String? {
        guard let text = String(validating: payload, as: UTF8.self) else { throw Refused(reason: "payload is not valid UTF-8") }
        guard let uuid = (try? JSONParser.parse(payload))?["uuid"]?.stringValue else {
            throw Refused(reason: "payload has no string \"uuid\"")
        }
        return try await log(connection: connection, queue: queue, payloadText: text, exception: exception, uuid: uuid)
    }

    @discardableResult
    public func log(connection: String, queue: String, payloadText: String, exception: String, uuid: String) async throws -> String? {
        let date = now()
        let failedAt = LaravelTimestamp.format(date, timeZone: timeZone)
        try rows.withLock { rows in
            guard !rows.records.contains(where: { $0.record.uuid == uuid }) else {
                throw Refused(reason: "a failed job with uuid \(uuid) is recorded already")
            }
            rows.lastID += 1
            let record = FailedJobRecord(id: rows.lastID, uuid: uuid, connection: connection, queue: queue,
                                         payload: Array(payloadText.utf8), exception: exception, failedAt: failedAt)
            rows.records.append((record, date))
        }
        return uuid
    }

    public func ids(queue: String?) async throws -> [String] {
        try await all().filter { queue == nil || $0.queue == queue }.compactMap(\.uuid)
    }

    public func all() async throws -> [FailedJobRecord] {
        rows.withLock { $0.records.reversed().map(\.record) }
    }

    public func find(_ id: String) async throws -> FailedJobRecord? {
        rows.withLock { $0.records.first { $0.record.uuid == id }?.record }
    }

    @discardableResult
    public func forget(_ id: String) async throws -> Bool {
        rows.withLock { rows in
            let before = rows.records.count
            rows.records.removeAll { $0.record.uuid == id }
            return rows.records.count < before
        }
    }

    /// All rows, or with `hours` (not 0) those that failed at least that many hours ago.
    public func flush(hours: Int?) async throws {
        guard let hours, hours != 0 else { return rows.withLock { $0.records.removeAll() } }
        let cutoff = now().addingTimeInterval(-Double(hours) * 3600)
        rows.withLock { $0.records.removeAll { $0.failedAt <= cutoff } }
    }

    /// An empty `connection` or `queue` does not filter, as Laravel's `count` treats it.
    public func count(connection: String?, queue: String?) async throws -> Int {
        try await all().filter { record in
            (connection.map { $0.isEmpty || record.connection == $0 } ?? true) && (queue.map { $0.isEmpty || record.queue == $0 } ?? true)
        }.count
    }
}
