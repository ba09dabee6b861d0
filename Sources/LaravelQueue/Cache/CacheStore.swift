import PHPSerialization
import PHPFormats

/// The operations the worker needs of the app's default cache store (restart and pause signals,
/// `maxExceptions` counters, unique-job locks), in the app's own driver and prefix so PHP and Shuttle share them.
public protocol CacheStore: Sendable {
    /// The value as PHP's cache would return it; nil when absent or expired.
    func get(_ key: String) async throws -> PHPValue?
    @discardableResult func put(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool
    @discardableResult func forever(_ key: String, _ value: PHPValue) async throws -> Bool
    /// Adds to an integer value; nil when the store cannot (the database store needs the key to exist).
    func increment(_ key: String, by amount: Int) async throws -> Int?
    @discardableResult func forget(_ key: String) async throws -> Bool
}

/// Stores Shuttle cannot share (`array`, `memcached`, …): reads find nothing.
public struct NullCacheStore: CacheStore {
    public init() {}
    public func get(_ key: String) async throws -> PHPValue? { nil }
    public func put(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool { false }
    public func forever(_ key: String, _ value: PHPValue) async throws -> Bool { false }
    public func increment(_ key: String, by amount: Int) async throws -> Int? { nil }
    public func forget(_ key: String) async throws -> Bool { false }
}

extension DatabaseCacheStore: CacheStore {}
