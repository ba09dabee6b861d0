import LaravelQueue
import LaravelQueueTesting
import PHPSerialization
import XCTest

/// `InMemoryCacheStore` keeps Laravel's `ArrayStore` rules.
final class InMemoryCacheStoreTests: XCTestCase {
    func testValuesExpireWhenTheClockReachesTheirTime() async throws {
        let clock = TestClock(1_000)
        let cache = InMemoryCacheStore(clock: { clock.now })
        try await cache.put("a", .string(Array("x".utf8)), seconds: 10)
        try await cache.forever("b", .bool(true))
        try await cache.put("c", .int(1), seconds: 0)
        clock.advance(9)
        let before = try await cache.get("a")
        XCTAssertEqual(before, .string(Array("x".utf8)))
        clock.advance(1)
        let after = try await cache.get("a")
        XCTAssertNil(after, "expired at now + seconds")
        let forever = try await cache.get("b"), zero = try await cache.get("c")
        XCTAssertEqual(forever, .bool(true))
        XCTAssertEqual(zero, .int(1), "0 seconds: for ever, as ArrayStore")
        XCTAssertEqual(cache.keys, ["b", "c"])
    }

    func testIncrementCreatesAddsToTheIntCastAndKeepsTheExpiry() async throws {
        let clock = TestClock(1_000)
        let cache = InMemoryCacheStore(clock: { clock.now })
        let created = try await cache.increment("n", by: 3)
        XCTAssertEqual(created, 3)
        try await cache.put("counter", .int(0), seconds: 60)
        let one = try await cache.increment("counter", by: 1)
        XCTAssertEqual(one, 1)
        try await cache.forever("text", .string(Array("12abc".utf8)))
        let cast = try await cache.increment("text", by: 1)
        XCTAssertEqual(cast, 13, "PHP's (int) of \"12abc\"")
        clock.advance(60)
        let expired = try await cache.get("counter")
        XCTAssertNil(expired, "incrementing kept the expiry")
        let restarted = try await cache.increment("counter", by: 1)
        XCTAssertEqual(restarted, 1, "an expired counter starts again")
    }

    func testForgetTellsWhetherTheKeyWasThere() async throws {
        let cache = InMemoryCacheStore()
        try await cache.forever("k", .int(1))
        let first = try await cache.forget("k"), second = try await cache.forget("k")
        XCTAssertTrue(first)
        XCTAssertFalse(second)
        let value = try await cache.get("k")
        XCTAssertNil(value)
    }
}
