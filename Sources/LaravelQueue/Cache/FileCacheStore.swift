import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Digests
import PHPSerialization
import PHPFormats

/// Laravel's `file` cache store (the default of Laravel 8 – 10 skeletons), shared with PHP on the same host.
///
/// Each key is one file, `<directory>/ab/cd/<sha1(key)>` (`ab`, `cd`: the hash's first two pairs of hex
/// digits; the store has no key prefix), holding a 10-digit Unix expiration (`9999999999` = forever)
/// followed by `serialize($value)`. Reads take a shared `flock`, writes an exclusive one, as Laravel's
/// `Filesystem` does. An expired file reads as missing and is deleted. `put` follows the cache
/// Repository (a TTL ≤ 0 forgets); the rest follows `Illuminate\Cache\FileStore` (identical in 8 – 12).
public final class FileCacheStore: AddingCacheStore {
    /// `storage_path('framework/cache/data')`, the skeleton's `cache.stores.file.path`.
    public let directory: String
    private let now: @Sendable () -> Date
    /// File calls block (and `flock` may wait on PHP), so they run off the cooperative pool, in order:
    /// this process's own read-modify-writes of one key never interleave.
    private let queue = DispatchQueue(label: "shuttle.cache.file")

    /// What `expiration(0)` writes: no expiry.
    public static let foreverExpiration = 9_999_999_999

    public init(directory: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.directory = directory
        self.now = now
    }

    /// The skeleton's cache directory under a Laravel storage path.
    public convenience init(storagePath: String, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(directory: storagePath + "/framework/cache/data", now: now)
    }

    public struct IncrementOverflow: Error, CustomStringConvertible {
        public let key: String
        public var description: String { "cache value of \(key) overflowed when incremented" }
    }

    /// `FileStore::path($key)`.
    public func path(for key: String) -> String {
        let hash = SHA1.hex(key.utf8)
        let chars = Array(hash)
        return "\(directory)/\(String(chars[0..<2]))/\(String(chars[2..<4]))/\(hash)"
    }

    /// The unserialized value; nil when absent, expired or unreadable (a stored `null` is `.null`).
    public func get(_ key: String) async throws -> PHPValue? {
        try await run { try self.payload(key)?.value }
    }

    /// Stores `value` for `seconds`; a TTL ≤ 0 forgets the key instead, as `Cache::put` does.
    @discardableResult
    public func put(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool {
        guard seconds > 0 else { return try await forget(key) }
        return try await run { try self.write(key, value, seconds: seconds) }
    }

    /// `Cache::add` on the file store: stored when absent or expired. Checked and written under one exclusive
    /// lock of a sibling `.add` file, so two processes of this host (PHP's `FileStore::add` excepted) do not
    /// both add.
    @discardableResult
    public func add(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool {
        guard seconds > 0 else { return false }
        return try await run {
            let path = self.path(for: key)
            try LockedFile.makeDirectories(String(path[..<path.lastIndex(of: "/")!]))
            return try LockedFile.withExclusiveLock(path + ".add") {
                if try self.payload(key) != nil { return false }
                return try self.write(key, value, seconds: seconds)
            }
        }
    }

    @discardableResult
    public func forever(_ key: String, _ value: PHPValue) async throws -> Bool {
        try await run { try self.write(key, value, seconds: 0) }
    }

    /// `(int)` of the current value (0 when missing) plus `amount`, written back with the expiration it had;
    /// a missing key is stored forever, as `FileStore::increment` does. Never nil.
    @discardableResult
    public func increment(_ key: String, by amount: Int = 1) async throws -> Int? {
        try await run {
            let current = try self.payload(key)
            let (sum, overflow) = PHPIntCast.int(current?.value).addingReportingOverflow(amount)
            if overflow { throw IncrementOverflow(key: key) }
            _ = try self.write(key, .int(sum), seconds: current?.remaining ?? 0)
            return sum
        }
    }

    @discardableResult
    public func decrement(_ key: String, by amount: Int = 1) async throws -> Int? {
        try await increment(key, by: -amount)
    }

    /// Deletes the key's file (and `Cache::flexible`'s companion, as Laravel 11+ does); false when absent.
    @discardableResult
    public func forget(_ key: String) async throws -> Bool {
        try await run { try self.remove(key) }
    }

    // MARK: - On the queue

    private func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    private var currentTime: Int { Int(now().timeIntervalSince1970.rounded(.down)) }

    /// `FileStore::getPayload`: the value and its remaining seconds; nil (after deleting the file) when
    /// expired or not unserializable.
    private func payload(_ key: String) throws -> (value: PHPValue, remaining: Int)? {
        guard let contents = try LockedFile.contents(of: path(for: key)) else { return nil }
        let time = currentTime
        guard contents.count >= 10,
              let expiration = Int(String(decoding: contents[0..<10], as: UTF8.self)),
              time < expiration,
              let value = try? PHPUnserializer.unserialize(contents[10...])
        else {
            _ = try remove(key)
            return nil
        }
        return (value, expiration - time)
    }

    /// `FileStore::put`: seconds 0 is forever; expirations past `9999999999` are capped to it.
    private func write(_ key: String, _ value: PHPValue, seconds: Int) throws -> Bool {
        let path = path(for: key)
        let available = currentTime + seconds
        let expiration = seconds == 0 || available > Self.foreverExpiration ? Self.foreverExpiration : available
        try LockedFile.makeDirectories(String(path[..<path.lastIndex(of: "/")!]))
        try LockedFile.replace(path, with: Array(String(expiration).utf8) + PHPSerializer.serialize(value))
        return true
    }

    private func remove(_ key: String) throws -> Bool {
        let removed = try LockedFile.remove(path(for: key))
        if removed { try LockedFile.remove(path(for: "illuminate:cache:flexible:created:" + key)) }
        return removed
    }
}
