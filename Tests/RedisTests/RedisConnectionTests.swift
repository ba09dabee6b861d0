import Redis
import XCTest

/// Basic commands, reply shapes and pipelining against the real redis-server (DB 1).
final class RedisConnectionTests: XCTestCase {
    private var redis: RedisConnection!

    override func setUp() async throws {
        redis = try await RedisTestSupport.freshDatabase(1)
    }

    override func tearDown() async throws {
        redis?.close()
    }

    func testPingAndStringRoundTrip() async throws {
        let pong = try await redis.send(.ping())
        XCTAssertEqual(pong, .simpleString("PONG"))
        let ok = try await redis.send(.set("greeting", "héllo"))
        XCTAssertEqual(ok, .simpleString("OK"))
        let value = try await redis.send(.get("greeting"))
        XCTAssertEqual(value.string, "héllo")
        let missing = try await redis.send(.get("nope"))
        XCTAssertEqual(missing, .null)
    }

    /// Payloads carry arbitrary bytes: every byte value, NULs at the edges and a large body.
    func testBinaryPayloadsRoundTrip() async throws {
        let allBytes: [UInt8] = [0, 0] + (0...255).map(UInt8.init) + [0xFF, 0]
        _ = try await redis.send(.set("bin", allBytes))
        let back = try await redis.send(.get("bin"))
        XCTAssertEqual(back, .bulkString(allBytes))
        let length = try await redis.send(RedisCommand("STRLEN", [.key("bin")]))
        XCTAssertEqual(length, .integer(allBytes.count))

        let big = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        _ = try await redis.send(.rpush("binlist", [big, [0], []]))
        let items = try await redis.send(.lrange("binlist", 0, -1))
        XCTAssertEqual(items, .array([.bulkString(big), .bulkString([0]), .bulkString([])]))

        // Large values are read in place by hiredis: two in one command, and after a command already waiting in
        // its output buffer (a pipeline), each arrives whole and in order.
        let other = big.reversed() as [UInt8]
        let replies = try await redis.pipeline([.rpush("pair", [other, [1], big]), .set("second", big), .get("second"),
                                                .lrange("pair", 0, -1)])
        XCTAssertEqual(replies[0], .integer(3))
        XCTAssertEqual(replies[2], .bulkString(big))
        XCTAssertEqual(replies[3], .array([.bulkString(other), .bulkString([1]), .bulkString(big)]))
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"), "the connection reads on after large replies")
    }

    func testReplyShapes() async throws {
        let pushed = try await redis.send(.rpush("shapes", ["a", "b"]))
        XCTAssertEqual(pushed, .integer(2))
        let range = try await redis.send(.lrange("shapes", 0, -1))
        XCTAssertEqual(range.array?.compactMap(\.string), ["a", "b"])
        let empty = try await redis.send(.lrange("none", 0, -1))
        XCTAssertEqual(empty, .array([]))
        let timedOut = try await redis.send(.blpop(keys: ["none"], timeout: .milliseconds(50)))
        XCTAssertEqual(timedOut, .null, "BLPOP timing out is a nil array")
        _ = try await redis.send(.hset("h", fields: [("b", Array("2".utf8)), ("a", Array("1".utf8))]))
        let fields = try await redis.send(.hmget("h", ["a", "zz", "b"]))
        XCTAssertEqual(fields, .array([.bulkString(Array("1".utf8)), .null, .bulkString(Array("2".utf8))]))
        let counter = try await redis.send(.incrby("n", 41))
        XCTAssertEqual(counter.int, 41)
        assertEqual(try await redis.send(.get("n")).int, 41, "bulk decimal reads as Int")
    }

    func testServerErrorIsThrownWithItsText() async throws {
        _ = try await redis.send(.set("str", "x"))
        let error = await RedisTestSupport.expectError { try await redis.send(.llen("str")) }
        guard case .server(let message) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.hasPrefix("WRONGTYPE"), message)
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"), "an error reply leaves the connection usable")
    }

    func testSetWithExpiryAndNX() async throws {
        assertEqual(try await redis.send(.set("lock", "a", ex: 100, nx: true)), .simpleString("OK"))
        assertEqual(try await redis.send(.set("lock", "b", ex: 100, nx: true)), .null, "NX refuses an existing key")
        assertEqual(try await redis.send(.get("lock")).string, "a")
        let ttl = try await redis.send(.ttl("lock")).int ?? -1
        XCTAssertTrue((1...100).contains(ttl), "ttl \(ttl)")
    }

    func testSortedSetCommands() async throws {
        _ = try await redis.send(.zadd("z", [(score: 1_700_000_010, member: Array("late".utf8)), (score: 1_700_000_000, member: Array("early".utf8))]))
        _ = try await redis.send(.zadd("z", score: 2.5, member: "tiny"))
        assertEqual(try await redis.send(.zcard("z")), .integer(3))
        let due = try await redis.send(.zrangebyscore("z", min: "-inf", max: "1700000005", limit: (0, 10)))
        XCTAssertEqual(due.array?.compactMap(\.string), ["tiny", "early"])
        assertEqual(try await redis.send(.zscore("z", "late")).string, "1700000010")
        assertEqual(try await redis.send(.zscore("z", "tiny")).string, "2.5")
        assertEqual(try await redis.send(.zrem("z", ["tiny", "none"])), .integer(1))
        assertEqual(try await redis.send(.zrange("z", 0, -1)).array?.compactMap(\.string), ["early", "late"])
    }

    func testPipelineReturnsRepliesInOrder() async throws {
        let commands = (0..<1000).map { _ in RedisCommand.incr("counter") }
        let replies = try await redis.pipeline(commands)
        XCTAssertEqual(replies, (1...1000).map { .integer($0) })
    }

    func testPipelineKeepsErrorRepliesInPlace() async throws {
        let replies = try await redis.pipeline([
            .set("p", "text"),
            .incr("p"),
            .get("p"),
            RedisCommand("NOSUCHCOMMAND"),
            .rpush("plist", "x"),
        ])
        XCTAssertEqual(replies.count, 5)
        XCTAssertEqual(replies[0], .simpleString("OK"))
        XCTAssertTrue(replies[1].errorMessage?.contains("not an integer") ?? false, "\(replies[1])")
        XCTAssertEqual(replies[2].string, "text")
        XCTAssertTrue(replies[3].errorMessage?.hasPrefix("ERR unknown command") ?? false, "\(replies[3])")
        XCTAssertEqual(replies[4], .integer(1))
    }

    func testMultiExecInsidePipeline() async throws {
        let replies = try await redis.pipeline([.multi(), .rpush("tx", "a"), .rpush("tx", "b"), .exec()])
        XCTAssertEqual(replies[0], .simpleString("OK"))
        XCTAssertEqual(replies[1], .simpleString("QUEUED"))
        XCTAssertEqual(replies[3], .array([.integer(1), .integer(2)]))
    }

    func testDatabaseIsSelected() async throws {
        _ = try await redis.send(.set("where", "db1"))
        let other = try await RedisTestSupport.connect(database: 0)
        defer { other.close() }
        assertEqual(try await other.send(.select(1)), .simpleString("OK"))
        assertEqual(try await other.send(.get("where")).string, "db1")
        let info = try await redis.send(RedisCommand("CLIENT", ["INFO"])).string ?? ""
        XCTAssertTrue(info.contains(" db=1 "), info)
    }

    func testClosedConnectionRejectsCommands() async throws {
        let connection = try await RedisTestSupport.connect(database: 1)
        assertEqual(try await connection.send(.ping()), .simpleString("PONG"))
        connection.close()
        let error = await RedisTestSupport.expectError { try await connection.send(.ping()) }
        XCTAssertEqual(error, .connectionClosed)
    }

    func testConnectionRefused() async throws {
        let port = try RedisTestSupport.freePort()
        let error = await RedisTestSupport.expectError {
            try await RedisConnection(configuration: RedisConfiguration(host: "127.0.0.1", port: port))
        }
        guard case .connectionRefused(let message) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.contains("127.0.0.1:\(port)"), message)
    }

    func testMissingUnixSocketIsRefused() async throws {
        let error = await RedisTestSupport.expectError {
            try await RedisConnection(configuration: RedisConfiguration(unixSocketPath: "/nonexistent/redis.sock"))
        }
        guard case .connectionRefused(let message) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.contains("/nonexistent/redis.sock"), message)
    }
}
