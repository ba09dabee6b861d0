import LaravelQueue
import PHPFormats
import PHPSerialization
/// Laravel's `LockProvider`: the atomic locks of a cache store, as plain keys/rows PHP sees too.
///
/// Unique-job locks live here (`laravel_unique_job:…`). Names are given without the store's prefix;
/// each provider adds it the way its Laravel store does.
public protocol LockProvider: Sendable {
    /// `lock(name, seconds)->get()`: true when the lock was free (or expired) and is now held by `owner`.
    /// `seconds` ≤ 0 means no expiry (Redis) or one day (database), as Laravel does.
    func acquire(_ name: String, owner: String, seconds: Int) async throws -> Bool
    /// `restoreLock(name, owner)->release()`: frees it only while `owner` still holds it.
    @discardableResult func release(_ name: String, owner: String) async throws -> Bool
    /// `lock(name)->forceRelease()`: frees it whoever holds it.
    func forceRelease(_ name: String) async throws
    /// The current owner, nil when free.
    func owner(of name: String) async throws -> String?
}
