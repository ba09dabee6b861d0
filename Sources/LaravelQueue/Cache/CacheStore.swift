import PHPSerialization

/// The operations the worker needs of the app's default cache store (restart and pause signals,
/// `maxExceptions` counters, unique-job locks), in the app's own driver and prefix so PHP and Shuttle share them.
public protocol CacheStore: Sendable {
    /// The value as PHP's cache would return it; nil when absent or expired.
    func get(_ key: String) async throws -> PHPValue?
    func put(_ key: String, _ value: PHPValue, seconds: Int) async throws
    func forever(_ key: String, _ value: PHPValue) async throws
    /// Adds to an integer value, creating it when absent; returns the new value.
    func increment(_ key: String, by amount: Int) async throws -> Int
    @discardableResult func forget(_ key: String) async throws -> Bool
}

/// The `file`/`array` stores: invisible to other hosts, so nothing is shared. Reads find nothing.
public struct NullCacheStore: CacheStore {
    public init() {}
    public func get(_ key: String) async throws -> PHPValue? { nil }
    public func put(_ key: String, _ value: PHPValue, seconds: Int) async throws {}
    public func forever(_ key: String, _ value: PHPValue) async throws {}
    public func increment(_ key: String, by amount: Int) async throws -> Int { amount }
    public func forget(_ key: String) async throws -> Bool { false }
}
