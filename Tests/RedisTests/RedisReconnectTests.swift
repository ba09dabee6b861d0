import Redis
import XCTest

/// Dropped connections: the command in flight throws, the next one reconnects (DB 4).
final class RedisReconnectTests: XCTestCase {
    private var admin: RedisConnection!

    override func setUp() async throws {
        admin = try await RedisTestSupport.freshDatabase(4)
    }

    override func tearDown() async throws {
        admin?.close()
    }

    private func clientID(_ connection: RedisConnection) async throws -> Int {
        try await connection.send(RedisCommand("CLIENT", ["ID"])).int ?? -1
    }

    private func kill(_ id: Int) async throws {
        assertEqual(try await admin.send(RedisCommand("CLIENT", ["KILL", "ID", .value(id)])), .integer(1))
    }

    /// An idle connection killed by the server: the next command either reconnects first (the EOF was
    /// already visible) or fails with connectionLost; the one after succeeds, with prefix and DB restored.
    func testNextCommandReconnectsAfterClientKill() async throws {
        let redis = try await RedisTestSupport.connect(database: 4, prefix: "rc:")
        defer { redis.close() }
        _ = try await redis.send(.set("k", "v"))
        let before = try await clientID(redis)
        try await kill(before)

        do {
            let value = try await redis.send(.get("k"))
            XCTAssertEqual(value.string, "v")
        } catch RedisError.connectionLost {
            // allowed by design: the command was in flight when the socket turned out dead
        }
        assertEqual(try await redis.send(.get("k")).string, "v", "re-SELECTed DB 4, prefix still applied")
        let after = try await clientID(redis)
        XCTAssertNotEqual(after, before)
        let connects = await redis.connectCount
        XCTAssertEqual(connects, 2)
    }

    /// A large value goes from its bytes straight to the socket: to a connection the server killed, it fails as
    /// connectionLost (no SIGPIPE, nothing half-sent reused) or reconnects first; the next large write lands whole.
    func testLargeValueToAKilledConnectionFailsCleanlyThenRecovers() async throws {
        let redis = try await RedisTestSupport.connect(database: 4, prefix: "rc:")
        defer { redis.close() }
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        _ = try await redis.send(.set("k", "v"))
        try await kill(try await clientID(redis))
        do {
            _ = try await redis.send(.set("big", big))
        } catch RedisError.connectionLost {
            // allowed: the write or its reply found the socket dead
        }
        assertEqual(try await redis.send(.set("big", big)), .simpleString("OK"))
        assertEqual(try await redis.send(.get("big")), .bulkString(big))
    }

    func testCommandInFlightThrowsConnectionLost() async throws {
        let redis = try await RedisTestSupport.connect(database: 4)
        defer { redis.close() }
        let id = try await clientID(redis)
        let blocked = Task { try await redis.send(.blpop(keys: ["never"], timeout: .seconds(30))) }
        try await RedisTestSupport.waitForBlockedClients(1, using: admin)
        try await kill(id)
        let error = await RedisTestSupport.expectError { try await blocked.value }
        guard case .connectionLost = error else { return XCTFail("\(String(describing: error))") }
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"))
    }

    /// A database chosen with SELECT survives a reconnect, and scripts are loaded again on the new socket.
    func testReconnectRestoresSelectedDatabaseAndReloadsScripts() async throws {
        let redis = try await RedisTestSupport.connect(database: 0)
        defer { redis.close() }
        _ = try await redis.send(.select(4))
        let script = RedisScript("return redis.call('incr', KEYS[1])")
        assertEqual(try await redis.evaluate(script, keys: ["n"], arguments: [RedisArgument]()), .integer(1))
        _ = try await admin.send(RedisCommand("CONFIG", ["RESETSTAT"]))
        try await kill(try await clientID(redis))
        _ = try? await redis.send(.ping())
        assertEqual(try await redis.evaluate(script, keys: ["n"], arguments: [RedisArgument]()), .integer(2))
        assertEqual(try await admin.send(.get("n")).int, 2, "ran in DB 4")
        assertEqual(try await RedisTestSupport.calls(admin, "script|load"), 1, "scripts count as unloaded after reconnect")
        assertEqual(try await RedisTestSupport.calls(admin, "eval"), 0)
    }

    /// With the server gone, reconnecting backs off and then gives up with a clear error; once the
    /// server is back the same connection works again.
    func testGivesUpAfterBackoffThenRecovers() async throws {
        let server = try TemporaryRedisServer()
        defer { server.destroy() }
        var configuration = RedisConfiguration(host: "127.0.0.1", port: server.port, database: 2)
        configuration.reconnectBackoff = ReconnectBackoff(initialDelay: .milliseconds(5), maxDelay: .milliseconds(20), attempts: 3)
        let redis = try await RedisConnection(configuration: configuration)
        defer { redis.close() }
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"))

        server.stop()
        let first = await RedisTestSupport.expectError { try await redis.send(.ping()) }
        switch first {
        case .connectionLost?, .reconnectFailed?: break
        default: XCTFail("\(String(describing: first))")
        }
        let second = await RedisTestSupport.expectError { try await redis.send(.ping()) }
        guard case .reconnectFailed(let attempts, let last)? = second else { return XCTFail("\(String(describing: second))") }
        XCTAssertEqual(attempts, 3)
        guard case .connectionRefused = last else { return XCTFail("\(last)") }
        XCTAssertTrue(second!.description.contains("gave up after 3 attempt"), second!.description)

        try server.start()
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"))
        let info = try await redis.send(RedisCommand("CLIENT", ["INFO"])).string ?? ""
        XCTAssertTrue(info.contains(" db=2 "), info)
    }
}
