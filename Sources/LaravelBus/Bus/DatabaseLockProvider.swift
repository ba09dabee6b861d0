import Database
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LaravelQueue
import PHPFormats
import PHPSerialization

/// The locks of Laravel's `DatabaseStore` (`Illuminate\Cache\DatabaseLock`): rows of `cache_locks`
/// (`key` = cache prefix + name, `owner`, `expiration` Unix seconds). The default store of v11+ skeletons.
public struct DatabaseLockProvider: LockProvider {
    public let connection: any SQLConnection
    public let table: String
    /// `cache.prefix`, prepended without a separator.
    public let prefix: String
    private let now: @Sendable () -> Date

    public init(connection: any SQLConnection, table: String = "cache_locks", prefix: String = "",
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.connection = connection
        self.table = table
        self.prefix = prefix
        self.now = now
    }

    private var t: String { connection.dialect.quote(identifier: table) }
    private var time: Int { Int(now().timeIntervalSince1970.rounded(.down)) }

    /// Insert; when the key exists, take it over only if it is ours or expired (Laravel's two steps).
    public func acquire(_ name: String, owner: String, seconds: Int) async throws -> Bool {
        let time = self.time
        let expiration = seconds > 0 ? time + seconds : time + 86_400
        let key = prefix + name
        let inserted = try await connection.execute(
            "insert into \(t) (\"key\", \"owner\", \"expiration\") values (?, ?, ?) on conflict (\"key\") do nothing",
            [.text(key), .text(owner), .int(expiration)])
        if inserted > 0 { return true }
        let updated = try await connection.execute(
            "update \(t) set \"owner\" = ?, \"expiration\" = ? where \"key\" = ? and (\"owner\" = ? or \"expiration\" <= ?)",
            [.text(owner), .int(expiration), .text(key), .text(owner), .int(time)])
        return updated > 0
    }

    public func release(_ name: String, owner: String) async throws -> Bool {
        try await connection.execute(
            "delete from \(t) where \"key\" = ? and \"owner\" = ?", [.text(prefix + name), .text(owner)]) > 0
    }

    public func forceRelease(_ name: String) async throws {
        try await connection.execute("delete from \(t) where \"key\" = ?", [.text(prefix + name)])
    }

    /// Creates the table as Laravel 11+'s `cache` migration does, when absent (embedded SQLite, tests).
    public func createTableIfMissing() async throws {
        let (key, integer) = connection.dialect == .postgres ? ("varchar(255)", "integer") : ("varchar", "integer")
        try await connection.execute(
            "create table if not exists \(t) (\"key\" \(key) not null, \"owner\" \(key) not null, "
                + "\"expiration\" \(integer) not null, primary key (\"key\"))")
        try await connection.execute(
            "create index if not exists \(connection.dialect.quote(identifier: "\(table)_expiration_index")) on \(t) (\"expiration\")")
    }

    public func owner(of name: String) async throws -> String? {
        try await connection.first("select \"owner\" from \(t) where \"key\" = ?", [.text(prefix + name)])?["owner"]?.string
    }
}
