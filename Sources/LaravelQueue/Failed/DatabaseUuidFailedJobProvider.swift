import Database
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats

/// Laravel's `database-uuids` failer: rows in `failed_jobs` keyed by the payload's `uuid`, readable by
/// `php artisan queue:failed` / `queue:retry` and written exactly as PHP writes them.
public final class DatabaseUuidFailedJobProvider: FailedJobProvider {
    public let connection: any SQLConnection
    public let table: String
    /// The app's timezone: `failed_at` is `Date::now()` formatted there.
    public let timeZone: ZoneInfo
    private let now: @Sendable () -> Date

    public init(
        connection: any SQLConnection, table: String = "failed_jobs", timeZone: ZoneInfo = .utc,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.connection = connection
        self.table = table
        self.timeZone = timeZone
        self.now = now
    }

    private var quotedTable: String { connection.dialect.quote(identifier: table) }

    public struct InvalidPayload: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "cannot record failed job: \(reason)" }
    }

    @discardableResult
    public func log(connection queueConnection: String, queue: String, payload: [UInt8], exception: String) async throws
        -> String?
    {
        guard let body = String(validating: payload, as: UTF8.self) else {
            throw InvalidPayload(reason: "payload is not valid UTF-8")
        }
        guard let uuid = Self.uuid(in: payload) else {
            throw InvalidPayload(reason: "payload has no string \"uuid\"")
        }
        return try await log(connection: queueConnection, queue: queue, payloadText: body, exception: exception, uuid: uuid)
    }

    @discardableResult
    public func log(connection queueConnection: String, queue: String, payloadText: String, exception: String, uuid: String)
        async throws -> String?
    {
        try await connection.execute(
            "insert into \(quotedTable) (\"uuid\", \"connection\", \"queue\", \"payload\", \"exception\", \"failed_at\") "
                + "values (?, ?, ?, ?, ?, ?)",
            [.text(uuid), .text(queueConnection), .text(queue), .text(payloadText), .text(exception), .text(timestamp(now()))])
        return uuid
    }

    /// Records a failure whose exception text arrived as bytes (e.g. from a PHP process): ill-formed
    /// UTF-8 is replaced as Laravel 9.2+ does before storing.
    @discardableResult
    public func log(connection queueConnection: String, queue: String, payload: [UInt8], exceptionBytes: [UInt8])
        async throws -> String?
    {
        try await log(connection: queueConnection, queue: queue, payload: payload, exception: PHPUTF8.convert(exceptionBytes))
    }

    public func ids(queue: String?) async throws -> [String] {
        let rows: [SQLRow]
        if let queue {
            rows = try await connection.query("select \"uuid\" from \(quotedTable) where \"queue\" = ? order by \"id\" desc", [.text(queue)])
        } else {
            rows = try await connection.query("select \"uuid\" from \(quotedTable) order by \"id\" desc")
        }
        return rows.compactMap { $0["uuid"]?.string }
    }

    public func all() async throws -> [FailedJobRecord] {
        try await connection.query("select * from \(quotedTable) order by \"id\" desc").map(Self.record)
    }

    public func find(_ id: String) async throws -> FailedJobRecord? {
        try await connection.first("select * from \(quotedTable) where \"uuid\" = ? limit 1", [.text(id)]).map(Self.record)
    }

    @discardableResult
    public func forget(_ id: String) async throws -> Bool {
        try await connection.execute("delete from \(quotedTable) where \"uuid\" = ?", [.text(id)]) > 0
    }

    public func flush(hours: Int?) async throws {
        if let hours, hours != 0 {
            let cutoff = timestamp(now().addingTimeInterval(-Double(hours) * 3600))
            try await connection.execute("delete from \(quotedTable) where \"failed_at\" <= ?", [.text(cutoff)])
        } else {
            try await connection.execute("delete from \(quotedTable)")
        }
    }

    public func count(connection queueConnection: String?, queue: String?) async throws -> Int {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        if let queueConnection, !queueConnection.isEmpty {
            conditions.append("\"connection\" = ?")
            bindings.append(.text(queueConnection))
        }
        if let queue, !queue.isEmpty {
            conditions.append("\"queue\" = ?")
            bindings.append(.text(queue))
        }
        let filter = conditions.isEmpty ? "" : " where " + conditions.joined(separator: " and ")
        let row = try await connection.first("select count(*) as \"aggregate\" from \(quotedTable)\(filter)", bindings)
        return row?["aggregate"]?.int ?? 0
    }

    /// Creates the table as Laravel's `failed_jobs` migration stub does (v8 – v13 are identical), when
    /// absent. Production apps run their own migration; this serves Shuttle's embedded SQLite and tests.
    public func createTableIfMissing() async throws {
        let t = quotedTable
        let index = connection.dialect.quote(identifier: "\(table)_uuid_unique")
        switch connection.dialect {
        case .sqlite:
            try await connection.execute(
                "create table if not exists \(t) (\"id\" integer not null primary key autoincrement, \"uuid\" varchar not null, "
                    + "\"connection\" text not null, \"queue\" text not null, \"payload\" text not null, "
                    + "\"exception\" text not null, \"failed_at\" datetime default CURRENT_TIMESTAMP not null)")
            try await connection.execute("create unique index if not exists \(index) on \(t) (\"uuid\")")
        case .postgres:
            try await connection.execute(
                "create table if not exists \(t) (\"id\" bigserial primary key not null, \"uuid\" varchar(255) not null, "
                    + "\"connection\" text not null, \"queue\" text not null, \"payload\" text not null, "
                    + "\"exception\" text not null, \"failed_at\" timestamp(0) without time zone default CURRENT_TIMESTAMP not null, "
                    + "constraint \(index) unique (\"uuid\"))")
        }
    }

    private func timestamp(_ date: Date) -> String {
        LaravelTimestamp.format(date, timeZone: timeZone)
    }

    /// `json_decode($payload, true)['uuid']`.
    static func uuid(in payload: [UInt8]) -> String? {
        (try? JSONParser.parse(payload))?["uuid"]?.stringValue
    }

    private static func record(_ row: SQLRow) -> FailedJobRecord {
        FailedJobRecord(
            id: row["id"]?.int64 ?? 0, uuid: row["uuid"]?.string, connection: row["connection"]?.string ?? "",
            queue: row["queue"]?.string ?? "", payload: row["payload"]?.bytes ?? [],
            exception: row["exception"]?.bytes.map(PHPUTF8.convert) ?? "", failedAt: row["failed_at"]?.string ?? "")
    }
}
