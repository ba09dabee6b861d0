import Redis
import XCTest

/// Blocked connections must not stall other Swift tasks (DB 6).
///
/// The cooperative pool has as many threads as cores (2 here): if BLPOP ran on it, three blocked
/// connections would starve every other task, including this test's PINGs. The assertions are about
/// ordering — all PINGs finish while the BLPOPs are still blocked — not about wall-clock time.
final class RedisConcurrencyTests: XCTestCase {
    private actor EventLog {
        var events: [String] = []
        func record(_ event: String) { events.append(event) }
    }

    func testBlockedConnectionsDoNotStallOtherTasks() async throws {
        let control = try await RedisTestSupport.freshDatabase(6)
        defer { control.close() }
        var blockers: [RedisConnection] = []
        for _ in 0..<3 { blockers.append(try await RedisTestSupport.connect(database: 6)) }
        defer { blockers.forEach { $0.close() } }
        let log = EventLog()

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, blocker) in blockers.enumerated() {
                group.addTask {
                    // Long server timeout: in a correct client we release them long before it.
                    let reply = try await blocker.send(.blpop(keys: ["jobs"], timeout: .seconds(20)))
                    await log.record("blpop\(i):\(reply.array?.last?.string ?? "nil")")
                }
            }
            try await RedisTestSupport.waitForBlockedClients(3, using: control)

            for _ in 0..<50 {
                assertEqual(try await control.send(.ping()), .simpleString("PONG"))
                await log.record("ping")
            }
            let sum = await Task.detached { (1...1000).reduce(0, +) }.value
            await log.record("compute:\(sum)")
            let whileBlocked = await log.events
            XCTAssertEqual(whileBlocked.count, 51, "nothing but PINGs and compute ran: \(whileBlocked)")
            assertEqual(try await RedisTestSupport.info(control, "clients", "blocked_clients"), "3", "BLPOPs still blocked")

            assertEqual(try await control.send(.rpush("jobs", ["a", "b", "c"])), .integer(3))
            try await group.waitForAll()
        }
        let events = await log.events
        XCTAssertEqual(events.prefix(50), ArraySlice(repeating: "ping", count: 50))
        XCTAssertEqual(events[50], "compute:500500")
        XCTAssertEqual(Set(events.dropFirst(51).map { String($0.split(separator: ":").last!) }), ["a", "b", "c"])
    }

    /// Commands on one connection from many tasks are serialised, never interleaved on the socket.
    func testConcurrentCallersOnOneConnection() async throws {
        let redis = try await RedisTestSupport.freshDatabase(6)
        defer { redis.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let key = "c\(i)"
                    for j in 1...25 {
                        let replies = try await redis.pipeline([.incr(key), .get(key)])
                        XCTAssertEqual(replies, [.integer(j), .bulkString(Array(String(j).utf8))])
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
