#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LaravelQueue
import PHPFormats
import PHPSerialization
import Synchronization

/// Laravel's `array` cache store (`ArrayStore`, values kept unserialized) as a `CacheStore`, so a worker's
/// restart and pause signals and `maxExceptions` counters can be tested without Redis.
///
/// Its rules are ArrayStore's: a value expires once the clock reaches `now + seconds` (0 or less: never);
/// `increment` of an absent key stores the amount for ever, of a present one adds to its PHP `(int)` cast
/// and keeps its expiry; `forget` is true when the key was stored, expired or not.
public final class InMemoryCacheStore: CacheStore {
    private struct Item {
        var value: PHPValue
        /// Unix second it expires at; 0 never.
        var expiresAt: Int
    }

    private let clock: @Sendable () -> Int
    private let items = Mutex<[String: Item]>([:])

    /// - Parameter clock: Unix seconds; a movable one lets a test expire values without waiting.
    public init(clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.clock = clock
    }

    public func get(_ key: String) async throws -> PHPValue? {
        let now = clock()
        return items.withLock { Self.live(key, in: &$0, now: now)?.value }
    }

    /// The item under `key` unless it expired (then it is dropped, as ArrayStore's `get` forgets it) or holds
    /// null (which PHP's `isset` does not see).
    private static func live(_ key: String, in items: inout [String: Item], now: Int) -> Item? {
        guard let item = items[key] else { return nil }
        if item.expiresAt != 0 && now >= item.expiresAt {
            items[key] = nil
            return nil
        }
        return item.value == .null ? nil : item
    }

    @discardableResult
    public func put(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool {
        let expiresAt = seconds > 0 ? clock() + seconds : 0
        items.withLock { $0[key] = Item(value: value, expiresAt: expiresAt) }
        return true
    }

    @discardableResult
    public func forever(_ key: String, _ value: PHPValue) async throws -> Bool {
        try await put(key, value, seconds: 0)
    }

    /// ArrayStore's `increment`; nil where PHP's sum would leave the integers (it becomes a float).
    public func increment(_ key: String, by amount: Int) async throws -> Int? {
        let now = clock()
        return items.withLock { items in
            guard var item = Self.live(key, in: &items, now: now) else {
                items[key] = Item(value: .int(amount), expiresAt: 0)
                return amount
            }
            let base = PHPIntCast.int(item.value)
            let (sum, overflow) = base.addingReportingOverflow(amount)
            item.value = overflow ? .double(Double(base) + Double(amount)) : .int(sum)
            items[key] = item
            return overflow ? nil : sum
        }
    }

    @discardableResult
    public func forget(_ key: String) async throws -> Bool {
        items.withLock { $0.removeValue(forKey: key) != nil }
    }

    /// Every key stored and not expired, for assertions.
    public var keys: [String] {
        let now = clock()
        return items.withLock { $0.filter { $0.value.expiresAt == 0 || now < $0.value.expiresAt }.keys.sorted() }
    }
}
