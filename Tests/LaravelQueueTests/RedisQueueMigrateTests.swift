import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import Redis
import TestSupport
import XCTest

/// `migrateExpiredJobs` on `:delayed` then `:reserved` (spec §2.5, §3.5, §10 #4, #22).
final class RedisQueueMigrateTests: XCTestCase {
    private var scratch: RedisQueueScratch!

    override func setUp() async throws { scratch = try await RedisQueueScratch.make() }
    override func tearDown() async throws { await scratch.cleanup() }

    private func member(_ n: Int, attempts: Int = 0) -> [UInt8] { Array(#"{"n":\#(n),"attempts":\#(attempts)}"#.utf8) }

    private func zadd(_ key: String, _ entries: [(Int, [UInt8])]) async throws {
        var commands: [RedisCommand] = []
        for chunk in stride(from: 0, to: entries.count, by: 200) {
            let slice = entries[chunk..<min(chunk + 200, entries.count)]
            commands.append(RedisCommand("ZADD", [.key(scratch.prefix + key)] + slice.flatMap { [RedisArgument.value($0.0), .value($0.1)] }))
        }
        for reply in try await scratch.raw.pipeline(commands) { XCTAssertNil(reply.errorMessage) }
    }

    func testDueDelayedThenExpiredReservedGoToTheTailInScoreOrderWithOneTokenEach() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(clock: clock)
        try await scratch.rpushRaw("queues:default", [member(0)])
        try await zadd("queues:default:delayed", [(1_800_000_000, member(2)), (1_799_999_000, member(1)), (1_800_000_001, member(9))])
        try await zadd("queues:default:reserved", [(1_799_999_999, member(4, attempts: 3)), (1_799_000_000, member(3, attempts: 1)),
                                                   (1_800_000_090, member(8, attempts: 1))])

        let moved = try await queue.migrate()

        XCTAssertEqual(moved, 4)
        let v1 = try await scratch.list("queues:default")
        XCTAssertEqual(v1,
                       [member(0), member(1), member(2), member(3, attempts: 1), member(4, attempts: 3)],
                       "members move byte for byte, attempts unchanged, delayed before reserved")
        let v2 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v2, 4, "one token per migrated job (the pushed one had none here)")
        let v3 = try await scratch.zset("queues:default:delayed").map(\.member)
        XCTAssertEqual(v3, [member(9)])
        let v4 = try await scratch.zset("queues:default:reserved").map(\.member)
        XCTAssertEqual(v4, [member(8, attempts: 1)])

        let v5 = try await queue.migrate()
        XCTAssertEqual(v5, 0, "nothing more is due")
        clock.advance(90)
        let v6 = try await queue.migrate()
        XCTAssertEqual(v6, 2)
        let v7 = try await scratch.list("queues:default").suffix(2)
        XCTAssertEqual(v7, [member(9), member(8, attempts: 1)])
        let v8 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v8, 6)
    }

    func testMigrationBatchSizeLimitsEachMigrateCall() async throws {
        let now = 1_800_000_000
        let entries = (0..<1000).map { (now - 1000 + $0, member($0)) }
        try await zadd("queues:default:delayed", entries)
        let queue = scratch.queue(migrationBatchSize: 100, clock: TestClock(now))

        for round in 1...10 {
            let v9 = try await queue.migrate()
            XCTAssertEqual(v9, 100, "round \(round)")
            let v10 = try await scratch.llen("queues:default")
            XCTAssertEqual(v10, 100 * round)
            let v11 = try await scratch.zcard("queues:default:delayed")
            XCTAssertEqual(v11, 1000 - 100 * round)
            let v12 = try await scratch.llen("queues:default:notify")
            XCTAssertEqual(v12, 100 * round)
        }
        let v13 = try await queue.migrate()
        XCTAssertEqual(v13, 0)
        let v14 = try await scratch.list("queues:default")
        XCTAssertEqual(v14, entries.map(\.1), "lowest scores first, in order")
    }

    func testMigrationBatchSizeAppliesToDelayedAndReservedSeparately() async throws {
        let now = 1_800_000_000
        try await zadd("queues:default:delayed", (0..<150).map { (now - 500 + $0, member($0)) })
        try await zadd("queues:default:reserved", (0..<150).map { (now - 500 + $0, member(1000 + $0, attempts: 1)) })
        let queue = scratch.queue(migrationBatchSize: 100, clock: TestClock(now))
        let v15 = try await queue.migrate()
        XCTAssertEqual(v15, 200)
        let list = try await scratch.list("queues:default")
        XCTAssertEqual(Array(list.prefix(100)), (0..<100).map { member($0) })
        XCTAssertEqual(Array(list.suffix(100)), (0..<100).map { member(1000 + $0, attempts: 1) })
        let v16 = try await queue.migrate()
        XCTAssertEqual(v16, 100)
    }

    func testUnlimitedBatchMovesEverythingDueAtOnce() async throws {
        let now = 1_800_000_000
        let entries = (0..<1000).map { (now - 1000 + $0, member($0)) }
        try await zadd("queues:default:delayed", entries + [(now + 1, member(5000))])
        let queue = scratch.queue(migrationBatchSize: -1, clock: TestClock(now))
        let v17 = try await queue.migrate()
        XCTAssertEqual(v17, 1000)
        let v18 = try await scratch.list("queues:default")
        XCTAssertEqual(v18, entries.map(\.1))
        let v19 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v19, 1000)
        let v20 = try await scratch.zset("queues:default:delayed").map(\.member)
        XCTAssertEqual(v20, [member(5000)])
    }
}
