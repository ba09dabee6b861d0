import Database
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization
import PHPFormats

/// Laravel's `database` cache store (the default store of v11+ skeletons): rows of the `cache` table
/// (`key` = cache prefix + key, `value` = PHP `serialize()` text, `expiration` = Unix seconds).
///
/// The worker uses it for `illuminate:queue:restart`, queue pause flags and `job-exceptions:<uuid>`
/// counters, which PHP workers read and write at the same time. `put`/`add` follow Laravel's cache
/// *Repository* (a TTL ≤ 0 forgets, or adds nothing); the rest follows `Illuminate\Cache\DatabaseStore`.
public final class DatabaseCacheStore: Sendable {
    public let connection: any SQLConnection
    public let table: String
    /// `config('cache.prefix')` as the app sets it (`CACHE_PREFIX`), prepended to every key.
    public let prefix: String
    private let now: @Sendable () -> Date

    /// What `forever()` stores: ten years, as Laravel does (the table has no "no expiry" value).
    public static let foreverSeconds = 315_360_000

    public init(
        connection: any SQLConnection, table: String = "cache", prefix: String = "",
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.connection = connection
        self.table = table
        self.prefix = prefix
        self.now = now
    }

    public struct IncrementOverflow: Error, CustomStringConvertible {
        public let key: String
        public var description: String { "cache value of \(key) overflowed when incremented" }
    }

    private var t: String { connection.dialect.quote(identifier: table) }
    private var currentTime: Int { Int(now().timeIntervalSince1970.rounded(.down)) }

    /// The serialized value as PHP would unserialize it, or nil when absent or expired (an expired row
    /// is deleted, as Laravel's `get` does).
    public func getSerialized(_ key: String) async throws -> [UInt8]? {
        let stored = try await connection.first(
            "select \"value\", \"expiration\" from \(t) where \"key\" = ?", [.text(prefix + key)])
        guard let stored else { return nil }
        let time = currentTime
        guard let expiration = stored["expiration"]?.int64, expiration > Int64(time) else {
            try await connection.execute(
                "delete from \(t) where \"key\" = ? and \"expiration\" <= ?", [.text(prefix + key), .int(time)])
            return nil
        }
        return Self.decodeStored(stored["value"]?.bytes ?? [])
    }

    /// The unserialized value; nil when absent or expired (a stored `null` is `.null`).
    public func get(_ key: String) async throws -> PHPValue? {
        guard let bytes = try await getSerialized(key) else { return nil }
        return try PHPUnserializer.unserialize(bytes)
    }

    /// Stores `value` for `seconds` (upsert); a TTL ≤ 0 forgets the key instead, as `Cache::put` does.
    @discardableResult
    public func put(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool {
        guard seconds > 0 else { return try await forget(key) }
        let changed = try await connection.execute(
            "insert into \(t) (\"key\", \"value\", \"expiration\") values (?, ?, ?) "
                + "on conflict (\"key\") do update set \"value\" = excluded.\"value\", \"expiration\" = excluded.\"expiration\"",
            [.text(prefix + key), storedValue(value), .int(currentTime + seconds)])
        return changed > 0
    }

    @discardableResult
    public func forever(_ key: String, _ value: PHPValue) async throws -> Bool {
        try await put(key, value, seconds: Self.foreverSeconds)
    }

    /// Stores `value` only when the key is absent or expired; true when it was stored.
    @discardableResult
    public func add(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool {
        guard seconds > 0 else { return false }
        let time = currentTime
        let stored = storedValue(value)
        let k = prefix + key
        return try await connection.transaction { tx in
            try await tx.execute("delete from \(self.t) where \"key\" = ? and \"expiration\" <= ?", [.text(k), .int(time)])
            let insert = tx.dialect == .sqlite ? "insert or ignore into" : "insert into"
            let ignore = tx.dialect == .sqlite ? "" : " on conflict (\"key\") do nothing"
            let inserted = try await tx.execute(
                "\(insert) \(self.t) (\"key\", \"value\", \"expiration\") values (?, ?, ?)\(ignore)",
                [.text(k), stored, .int(time + seconds)])
            return inserted > 0
        }
    }

    /// Adds `amount` to a numeric value, keeping its expiration; nil (Laravel's `false`) when the key is
    /// absent or its value is not numeric. Like Laravel, the row is locked and expiry is not checked.
    @discardableResult
    public func increment(_ key: String, by amount: Int = 1) async throws -> Int? {
        let k = prefix + key
        return try await connection.transaction { tx in
            let row = try await tx.first("select \"value\" from \(self.t) where \"key\" = ?\(tx.forUpdate)", [.text(k)])
            guard let row else { return nil }
            let current = try PHPUnserializer.unserialize(Self.decodeStored(row["value"]?.bytes ?? []))
            guard let number = Self.integerOfNumeric(current) else { return nil }
            let (sum, overflow) = number.addingReportingOverflow(amount)
            if overflow { throw IncrementOverflow(key: k) }
            try await tx.execute("update \(self.t) set \"value\" = ? where \"key\" = ?", [self.storedValue(.int(sum)), .text(k)])
            return sum
        }
    }

    @discardableResult
    public func decrement(_ key: String, by amount: Int = 1) async throws -> Int? {
        try await increment(key, by: -amount)
    }

    /// Deletes the key (and the companion key of `Cache::flexible`, as Laravel 11+ does). Always true.
    @discardableResult
    public func forget(_ key: String) async throws -> Bool {
        try await connection.execute(
            "delete from \(t) where \"key\" in (?, ?)",
            [.text(prefix + key), .text(prefix + "illuminate:cache:flexible:created:" + key)])
        return true
    }

    /// Creates the table as Laravel 11+'s `cache` migration does, when absent (embedded SQLite, tests).
    public func createTableIfMissing() async throws {
        let index = connection.dialect.quote(identifier: "\(table)_expiration_index")
        switch connection.dialect {
        case .sqlite:
            try await connection.execute(
                "create table if not exists \(t) (\"key\" varchar not null, \"value\" text not null, "
                    + "\"expiration\" integer not null, primary key (\"key\"))")
        case .postgres:
            try await connection.execute(
                "create table if not exists \(t) (\"key\" varchar(255) not null, \"value\" text not null, "
                    + "\"expiration\" bigint not null, primary key (\"key\"))")
        }
        try await connection.execute("create index if not exists \(index) on \(t) (\"expiration\")")
    }

    /// `serialize($value)`; on PostgreSQL base64 when it contains NUL (a text column cannot hold NUL).
    /// SQLite gets the raw text, which every Laravel version reads (v11.4x+ would base64 it).
    private func storedValue(_ value: PHPValue) -> SQLValue {
        let bytes = PHPSerializer.serialize(value)
        if connection.dialect == .postgres && bytes.contains(0) {
            return .text(Data(bytes).base64EncodedString())
        }
        return String(validating: bytes, as: UTF8.self).map(SQLValue.text) ?? .blob(bytes)
    }

    /// Undoes the base64 Laravel applies to NUL-containing values: text without `:` or `;` is base64.
    static func decodeStored(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.contains(UInt8(ascii: ":")) && !bytes.contains(UInt8(ascii: ";")) else { return bytes }
        return Data(base64Encoded: Data(bytes), options: .ignoreUnknownCharacters).map { [UInt8]($0) } ?? bytes
    }

    /// `(int) $current` when `is_numeric($current)`: ints, floats and numeric strings.
    static func integerOfNumeric(_ value: PHPValue) -> Int? {
        switch value {
        case .int(let v): return v
        case .double(let d): return d.isFinite ? Int(exactly: d.rounded(.towardZero)) : nil
        case .string(let bytes): return NumericString.integerValue(bytes)
        default: return nil
        }
    }
}
