import Redis
import XCTest

/// Tasks that prefer a connection's executor run on its thread and call it inline.
final class RedisConnectionExecutorTests: XCTestCase {
    func testCommandsInlineOnTheConnectionsExecutor() async throws {
        let control = try await RedisTestSupport.freshDatabase(6)
        defer { control.close() }
        let redis = try await RedisTestSupport.connect(database: 6, prefix: "ex:")
        defer { redis.close() }
        let script = RedisScript("return redis.call('rpush', KEYS[1], ARGV[1])")

        let blocked = Task(executorPreference: redis.executor) {
            // Blocks the connection's own thread only; the cooperative pool keeps running the rest.
            try await redis.send(.blpop(keys: ["wake"], timeout: .seconds(20)))
        }
        try await RedisTestSupport.waitForBlockedClients(1, using: control)
        assertEqual(try await control.send(.ping()), .simpleString("PONG"))
        _ = try await control.send(.rpush("ex:wake", "go"))
        assertEqual(try await blocked.value, .array([.bulkString(Array("ex:wake".utf8)), .bulkString(Array("go".utf8))]))

        let replies = try await withTaskExecutorPreference(redis.executor) {
            var replies: [RESPValue] = []
            for i in 1...3 { replies.append(try await redis.evaluate(script, keys: ["list"], arguments: [.value(i)])) }
            replies += try await redis.pipeline([.llen("list"), .lrange("list", 0, -1)])
            return replies
        }
        XCTAssertEqual(replies, [.integer(1), .integer(2), .integer(3), .integer(3),
                                 .array(["1", "2", "3"].map { .bulkString(Array($0.utf8)) })])
    }
}
