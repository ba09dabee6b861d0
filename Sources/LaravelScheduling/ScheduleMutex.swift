import LaravelBus
import LaravelQueue
import PHPFormats
import PHPSerialization

/// Laravel's `CacheEventMutex` (`withoutOverlapping`) and `CacheSchedulingMutex` (`onOneServer`) on the app's
/// default cache store, written as the app's Laravel version writes them so that PHP's `schedule:run` and
/// Shuttle see each other's keys:
/// - `Cache::add(key, true, seconds)` (a `cache` row / Redis key holding `b:1;`) before v9.51 (overlap) and
///   v12.22 (one server);
/// - from then on, when the store is a `LockProvider`, a lock (`cache_locks` row, Redis `SET NX EX`, or the
///   file store's `add` of the owner) named the same, released by `forceRelease`.
/// Keys are the store's prefix + the event's mutex name (+ `Hi` for one server).
public struct ScheduleMutex: Sendable {
    let cache: any AddingCacheStore
    let locks: (any LockProvider)?
    let overlapUsesLocks: Bool
    let serverUsesLocks: Bool

    /// - Parameters:
    ///   - cache: the app's default store.
    ///   - locks: that store's lock provider; nil for the file store, whose locks are `add`s of the owner.
    public init(cache: any AddingCacheStore, locks: (any LockProvider)?, version: LaravelVersion) {
        self.cache = cache
        self.locks = locks
        overlapUsesLocks = version >= LaravelVersion(9, 51)
        serverUsesLocks = version >= LaravelVersion(12, 22)
    }

    /// `serverShouldRun`: true for the first host to claim this minute (kept an hour, never released).
    public func claimMinute(_ event: ScheduledEvent, hour: Int, minute: Int) async throws -> Bool {
        try await create(event.serverMutexName(hour: hour, minute: minute), seconds: 3600, locks: serverUsesLocks)
    }

    /// `CacheEventMutex::create`: true when no other run of the event holds the overlap mutex.
    public func createOverlap(_ event: ScheduledEvent, expiresAt minutes: Int) async throws -> Bool {
        try await create(event.mutexName, seconds: minutes * 60, locks: overlapUsesLocks)
    }

    /// `CacheEventMutex::exists`: the `skip` filter `withoutOverlapping` adds, checked before the minute is
    /// claimed (so a host that finds a run still going does not claim the minute). Read-only, unlike Laravel 12's
    /// `lock->get(fn () => true)`, whose brief hold can make a racing host's own `create` fail after it claimed
    /// the minute, losing that minute for everyone. (A database lock row past its expiry still counts here until
    /// a run takes it over.)
    public func overlapExists(_ event: ScheduledEvent) async throws -> Bool {
        if overlapUsesLocks, let locks { return try await locks.owner(of: event.mutexName) != nil }
        return try await cache.get(event.mutexName) != nil
    }

    /// `CacheEventMutex::forget`, after the run.
    public func forgetOverlap(_ event: ScheduledEvent) async throws {
        if overlapUsesLocks, let locks {
            try await locks.forceRelease(event.mutexName)
        } else {
            try await cache.forget(event.mutexName)
        }
    }

    private func create(_ key: String, seconds: Int, locks useLocks: Bool) async throws -> Bool {
        guard useLocks else { return try await cache.add(key, .bool(true), seconds: seconds) }
        let owner = Self.owner()
        if let locks { return try await locks.acquire(key, owner: owner, seconds: seconds) }
        return try await cache.add(key, .string(owner), seconds: seconds)
    }

    /// `Str::random()`: 16 letters and digits, a lock's owner.
    static func owner() -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
