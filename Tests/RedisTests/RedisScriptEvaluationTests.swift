import Redis
import XCTest

/// EVALSHA with transparent loading and NOSCRIPT fallback, and the §3.11 reply shapes (DB 3).
final class RedisScriptEvaluationTests: XCTestCase {
    private var redis: RedisConnection!
    private var admin: RedisConnection!

    private let popLike = RedisScript("""
        local job = redis.call('lpop', KEYS[1])
        if job == false then return {false, false} end
        redis.call('zadd', KEYS[2], ARGV[1], job .. '+r')
        return {job, job .. '+r'}
        """)
    private let counter = RedisScript("return redis.call('incrby', KEYS[1], ARGV[1])")
    private let returnsNil = RedisScript("redis.call('rpush', KEYS[1], ARGV[1]) return nil")

    override func setUp() async throws {
        admin = try await RedisTestSupport.freshDatabase(3)
        redis = try await RedisTestSupport.connect(database: 3)
        _ = try await admin.send(RedisCommand("SCRIPT", ["FLUSH"]))
        _ = try await admin.send(RedisCommand("CONFIG", ["RESETSTAT"]))
    }

    override func tearDown() async throws {
        redis?.close()
        admin?.close()
    }

    func testReplyShapesOfQueueScripts() async throws {
        let empty = try await redis.evaluate(popLike, keys: ["q", "q:reserved"], arguments: ["100"])
        XCTAssertEqual(empty, .array([.null, .null]), "pop on an empty queue is [nil, nil]")
        let pushed = try await redis.evaluate(returnsNil, keys: ["q"], arguments: [[0x00, 0x7B, 0xFF]])
        XCTAssertEqual(pushed, .null)
        let popped = try await redis.evaluate(popLike, keys: ["q", "q:reserved"], arguments: ["100"])
        XCTAssertEqual(popped, .array([.bulkString([0x00, 0x7B, 0xFF]), .bulkString([0x00, 0x7B, 0xFF] + Array("+r".utf8))]))
        let count = try await redis.evaluate(counter, keys: ["n"], arguments: ["5"])
        XCTAssertEqual(count, .integer(5))
    }

    /// First use loads the script with SCRIPT LOAD (in the same round trip) and runs EVALSHA; no EVAL.
    func testFirstUseLoadsThenUsesEvalsha() async throws {
        for expected in 1...3 {
            assertEqual(try await redis.evaluate(counter, keys: ["n"], arguments: ["1"]), .integer(expected))
        }
        assertEqual(try await RedisTestSupport.calls(admin, "script|load"), 1)
        assertEqual(try await RedisTestSupport.calls(admin, "evalsha"), 3)
        assertEqual(try await RedisTestSupport.calls(admin, "eval"), 0)
    }

    /// After SCRIPT FLUSH by someone else, EVALSHA answers NOSCRIPT; the client re-runs it as EVAL.
    func testNoscriptFallsBackToEval() async throws {
        assertEqual(try await redis.evaluate(counter, keys: ["n"], arguments: ["1"]), .integer(1))
        _ = try await admin.send(RedisCommand("SCRIPT", ["FLUSH"]))
        assertEqual(try await redis.evaluate(counter, keys: ["n"], arguments: ["10"]), .integer(11))
        assertEqual(try await RedisTestSupport.calls(admin, "eval"), 1, "one EVAL fallback")
        assertEqual(try await redis.evaluate(counter, keys: ["n"], arguments: ["100"]), .integer(111))
        assertEqual(try await RedisTestSupport.calls(admin, "eval"), 1, "EVAL cached it again: back to EVALSHA")
        assertEqual(try await RedisTestSupport.calls(admin, "evalsha"), 3)
    }

    func testScriptsInPipelineWithNoscriptFallback() async throws {
        let first = try await redis.pipeline([
            .evalsha(counter, keys: ["n"], arguments: ["1"]),
            .evalsha(returnsNil, keys: ["l"], arguments: ["x"]),
            .evalsha(counter, keys: ["n"], arguments: ["1"]),
        ])
        XCTAssertEqual(first, [.integer(1), .null, .integer(2)])
        assertEqual(try await RedisTestSupport.calls(admin, "script|load"), 2, "each distinct script loaded once")

        _ = try await admin.send(RedisCommand("SCRIPT", ["FLUSH"]))
        let second = try await redis.pipeline([
            .evalsha(counter, keys: ["n"], arguments: ["1"]),
            .incr("other"),
            .evalsha(counter, keys: ["n"], arguments: ["1"]),
        ])
        XCTAssertEqual(second, [.integer(3), .integer(1), .integer(4)])
        assertEqual(try await RedisTestSupport.calls(admin, "eval"), 2)
    }

    func testScriptErrors() async throws {
        let failing = RedisScript("return redis.call('incr', KEYS[1])")
        _ = try await admin.send(.set("text", "abc"))
        let error = await RedisTestSupport.expectError { try await redis.evaluate(failing, keys: ["text"], arguments: [RedisArgument]()) }
        guard case .server(let message) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.contains("not an integer"), message)

        let broken = RedisScript("this is not lua")
        let replies = try await redis.pipeline([.evalsha(broken, keys: [], arguments: []), .ping()])
        XCTAssertTrue(replies[0].errorMessage?.contains("Error compiling script") ?? false, "\(replies[0])")
        XCTAssertEqual(replies[1], .simpleString("PONG"))
    }
}
