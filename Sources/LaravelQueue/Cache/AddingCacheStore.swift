import PHPSerialization

/// A store with Laravel's `Cache::add`: stores only when the key is absent (or expired), atomically where the
/// store is (database, Redis). The scheduler's mutexes are made of it.
public protocol AddingCacheStore: CacheStore {
    /// True when `value` was stored.
    @discardableResult func add(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool
}

extension DatabaseCacheStore: AddingCacheStore {}
