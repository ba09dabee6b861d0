#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Database
import PHPFormats

/// One job's view of the store inside its transaction: batched reads and upserts of Spark's rows.
///
/// Every method sends a fixed handful of statements whatever the number of rows (multi-row INSERT,
/// UPDATE from a VALUES list), so a job of 100 transactions costs a few round trips, not hundreds.
public struct SparkWriter: Sendable {
    public let connection: any SQLConnection
    public let clock: SparkClock
    let roundTrips: RoundTripCounter
    /// Object updates held back until the end of the transaction (see `finish`).
    let pending = PendingUpdates()

    /// Rows per multi-row statement: well under PostgreSQL's 65,535 and SQLite's 32,766 parameters.
    static let chunk = 1000

    init(connection: any SQLConnection, clock: SparkClock, roundTrips: RoundTripCounter) {
        self.connection = connection
        self.clock = clock
        self.roundTrips = roundTrips
    }

    public var dialect: SQLDialect { connection.dialect }

    func query(_ sql: String, _ bindings: [SQLValue] = []) async throws -> [SQLRow] {
        roundTrips.add()
        return try await connection.query(sql, bindings)
    }

    @discardableResult
    func execute(_ sql: String, _ bindings: [SQLValue] = []) async throws -> Int {
        roundTrips.add()
        return try await connection.execute(sql, bindings)
    }

    /// A new primary key as the app makes them: random v4, lower-case. `UUIDv4` rather than Foundation's
    /// `UUID()`, which opened, read and closed /dev/urandom for every id (a sixth of a bulk write's CPU).
    static func newId() -> String { UUIDv4.next() }

    /// A datetime column read back as `YYYY-MM-DD HH:MM:SS` (PostgreSQL prints it in the session time zone,
    /// the one it was written in).
    func timeColumn(_ column: String) -> String {
        dialect == .postgres ? "to_char(\(column), 'YYYY-MM-DD HH24:MI:SS')" : column
    }

    /// A JSON column read back as its stored text.
    func jsonColumn(_ column: String) -> String {
        dialect == .postgres ? "\(column)::text" : column
    }

    /// `expression` converted to a PostgreSQL type (VALUES lists carry text); SQLite needs no cast.
    func cast(_ expression: String, _ type: String) -> String {
        dialect == .postgres ? "\(expression)::\(type)" : expression
    }

    /// `(?,?,…),(?,?,…)` for `rows` rows of `columns` placeholders.
    static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return Array(repeating: row, count: rows).joined(separator: ",")
    }

    /// Takes transaction-scoped advisory locks on `keys` (PostgreSQL), sorted so that two jobs never wait on
    /// each other in a cycle. SQLite needs none: its write transaction already excludes other writers.
    func lock(_ keys: [String]) async throws {
        guard dialect == .postgres, !keys.isEmpty else { return }
        let hashes = Set(keys.map(Self.lockHash)).sorted()
        let list = "{" + hashes.map(String.init).joined(separator: ",") + "}"
        _ = try await query(
            "select count(pg_advisory_xact_lock(k)) from (select unnest(?::bigint[]) as k order by k) as keys", [.text(list)])
    }

    /// FNV-1a, 64 bits, as a signed bigint: stable across processes, unlike Swift's seeded `Hasher`.
    static func lockHash(_ key: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// The JSON text PHP's `json_encode` writes, for a json column.
    static func json(_ value: JSONValue?) throws -> SQLValue {
        guard let value else { return .null }
        return .text(try PHPJSON.encode(value))
    }

    /// Runs `WITH v(id, …) AS (VALUES …) UPDATE table SET … FROM v WHERE table.id = v.id`, setting `updated_at`
    /// to now: one statement for every changed row. `columns` pairs each column with its PostgreSQL type.
    func updateRows(_ table: String, columns: [(name: String, type: String)], rows: [[SQLValue]], stampUpdatedAt: Bool = true) async throws {
        for start in stride(from: 0, to: rows.count, by: Self.chunk) {
            let slice = rows[start..<min(rows.count, start + Self.chunk)]
            let names = ["id"] + columns.map(\.name)
            var sets = columns.map { "\($0.name) = \(cast("v.\($0.name)", $0.type))" }
            var bindings = slice.flatMap { $0 }
            if stampUpdatedAt {
                sets.append("updated_at = \(cast("?", "timestamptz"))")
                bindings.append(.text(clock.nowText))
            }
            let sql = "with v(\(names.joined(separator: ","))) as (values \(Self.placeholders(rows: slice.count, columns: names.count))) "
                + "update \(table) set \(sets.joined(separator: ", ")) from v where \(table).id = \(cast("v.id", "uuid"))"
            try await execute(sql, bindings)
        }
    }
}
