import Foundation
import Redis
import TestSupport
import XCTest

/// phpredis OPT_PREFIX semantics (spec §1.3), checked on the key names Redis actually holds (DB 2).
final class RedisKeyPrefixTests: XCTestCase {
    private let prefix = "laravel_database_"
    private var raw: RedisConnection!
    private var prefixed: RedisConnection!

    /// The push script's shape (spec §2.1) plus a reply that echoes what Lua saw.
    private let pushScript = RedisScript("""
        redis.call('rpush', KEYS[1], ARGV[1])
        redis.call('rpush', KEYS[2], 1)
        return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}
        """)

    override func setUp() async throws {
        raw = try await RedisTestSupport.freshDatabase(2)
        prefixed = try await RedisTestSupport.connect(database: 2, prefix: prefix)
    }

    override func tearDown() async throws {
        raw?.close()
        prefixed?.close()
    }

    private func rawKeys() async throws -> [String] {
        try await raw.send(.keys(pattern: "*")).array?.compactMap(\.string).sorted() ?? []
    }

    func testKeysArePrefixedValuesAreNot() async throws {
        _ = try await prefixed.send(.set("cache:k", "cache:v"))
        _ = try await prefixed.send(.zadd("queues:default:delayed", score: 5, member: "queues:member"))
        _ = try await prefixed.send(.hset("hash", "field", "queues:value"))
        assertEqual(try await rawKeys(), ["laravel_database_cache:k", "laravel_database_hash", "laravel_database_queues:default:delayed"])
        assertEqual(try await raw.send(.get("laravel_database_cache:k")).string, "cache:v")
        assertEqual(try await raw.send(.zrange("laravel_database_queues:default:delayed", 0, -1)), .array([.bulkString(Array("queues:member".utf8))]))
        assertEqual(try await raw.send(.hget("laravel_database_hash", "field")).string, "queues:value")
        assertEqual(try await prefixed.send(.get("cache:k")).string, "cache:v", "reads go through the same prefix")
    }

    func testDelPrefixesEveryKey() async throws {
        _ = try await raw.send(.set("laravel_database_a", "1"))
        _ = try await raw.send(.set("laravel_database_b", "1"))
        _ = try await raw.send(.set("a", "1"))
        assertEqual(try await prefixed.send(.del("a", "b")), .integer(2))
        assertEqual(try await rawKeys(), ["a"])
    }

    func testEvalPrefixesExactlyTheKeys() async throws {
        let reply = try await prefixed.evaluate(pushScript, keys: ["queues:default", "queues:default:notify"],
                                                arguments: [.value("{\"job\":1}"), .key("queues:looks-like-a-key")])
        XCTAssertEqual(reply.array?.compactMap(\.string), [
            "laravel_database_queues:default", "laravel_database_queues:default:notify", "{\"job\":1}", "queues:looks-like-a-key",
        ])
        assertEqual(try await rawKeys(), ["laravel_database_queues:default", "laravel_database_queues:default:notify"])
        assertEqual(try await raw.send(.lrange("laravel_database_queues:default", 0, -1)).array?.compactMap(\.string), ["{\"job\":1}"])
        assertEqual(try await raw.send(.lrange("laravel_database_queues:default:notify", 0, -1)).array?.compactMap(\.string), ["1"])
    }

    func testBlpopPrefixesKeysNotTimeout() async throws {
        _ = try await raw.send(.rpush("laravel_database_queues:blk:notify", "1"))
        let reply = try await prefixed.send(.blpop(keys: ["queues:empty:notify", "queues:blk:notify"], timeout: .seconds(1)))
        XCTAssertEqual(reply, .array([.bulkString(Array("laravel_database_queues:blk:notify".utf8)), .bulkString(Array("1".utf8))]))
    }

    /// KEYS: pattern prefixed, reply holds full names (as phpredis returns them).
    func testKeysPatternIsPrefixed() async throws {
        _ = try await raw.send(.set("laravel_database_queues:a", "1"))
        _ = try await raw.send(.set("queues:b", "1"))
        let keys = try await prefixed.send(.keys(pattern: "queues:*"))
        XCTAssertEqual(keys.array?.compactMap(\.string), ["laravel_database_queues:a"])
    }

    /// The wire bytes, as MONITOR shows them: the same lines the spec captured from phpredis.
    func testMonitorShowsPhpredisShapedCommands() async throws {
        let port = try TestEnvironment.redisPort()
        let monitor = Process()
        monitor.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        monitor.arguments = ["stdbuf", "-oL", "redis-cli", "-h", TestEnvironment.redisHost, "-p", String(port), "monitor"]
        let output = Pipe()
        let captured = CapturedText()
        output.fileHandleForReading.readabilityHandler = { handle in captured.append(handle.availableData) }
        monitor.standardOutput = output
        monitor.standardError = FileHandle.nullDevice
        try monitor.run()
        defer {
            output.fileHandleForReading.readabilityHandler = nil
            kill(monitor.processIdentifier, SIGKILL)  // SIGTERM may be blocked: see TemporaryRedisServer.stop
            monitor.waitUntilExit()
        }
        try await RedisTestSupport.waitUntil("MONITOR is attached") {
            (try await raw.send(RedisCommand("CLIENT", ["LIST"])).string ?? "").contains("cmd=monitor")
        }
        _ = try await prefixed.send(.eval(pushScript, keys: ["queues:default", "queues:default:notify"], arguments: [.value("{payload}")]))
        _ = try await prefixed.send(.evalsha(pushScript, keys: ["queues:default", "queues:default:notify"], arguments: [.value("{payload}")]))
        _ = try await prefixed.send(.blpop(keys: ["queues:blk:notify"], timeout: .seconds(1)))
        _ = try await prefixed.send(.get("monitor-sentinel"))
        try await RedisTestSupport.waitUntil("MONITOR printed the sentinel") { captured.text.contains("monitor-sentinel") }

        let lines = captured.text.split(separator: "\n").map { line in
            line.firstRange(of: "] ").map { String(line[$0.upperBound...]) } ?? String(line)
        }
        let sha = pushScript.sha1
        XCTAssertTrue(lines.contains { $0.hasPrefix("\"EVAL\" ") && $0.hasSuffix(
            "\"2\" \"laravel_database_queues:default\" \"laravel_database_queues:default:notify\" \"{payload}\"") }, "\(lines)")
        XCTAssertTrue(lines.contains(
            "\"EVALSHA\" \"\(sha)\" \"2\" \"laravel_database_queues:default\" \"laravel_database_queues:default:notify\" \"{payload}\""), "\(lines)")
        XCTAssertTrue(lines.contains("\"BLPOP\" \"laravel_database_queues:blk:notify\" \"1\""), "\(lines)")
        XCTAssertTrue(lines.contains("\"GET\" \"laravel_database_monitor-sentinel\""), "\(lines)")
    }
}

/// Text appended from a pipe's handler thread and read from the test.
private final class CapturedText: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}
