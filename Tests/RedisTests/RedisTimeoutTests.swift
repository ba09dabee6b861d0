import Redis
import XCTest

/// Command timeouts (DB 5): a reply that does not come in time throws and drops the connection;
/// blocking commands get their own, longer limit.
final class RedisTimeoutTests: XCTestCase {
    private func connect(commandTimeout: Duration) async throws -> RedisConnection {
        var configuration = try RedisTestSupport.configuration(database: 5)
        configuration.commandTimeout = commandTimeout
        return try await RedisConnection(configuration: configuration)
    }

    /// A raw BLPOP (not marked blocking) waits longer than the command timeout: it must time out,
    /// not return the nil reply the server sends after 5 s.
    func testCommandTimeoutThrowsAndNextCommandReconnects() async throws {
        let redis = try await connect(commandTimeout: .milliseconds(200))
        defer { redis.close() }
        let error = await RedisTestSupport.expectError {
            try await redis.send(RedisCommand("BLPOP", [.key("timeout:none"), "5"]))
        }
        guard case .timeout(let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.contains("no reply"), message)
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"))
        let connects = await redis.connectCount
        XCTAssertEqual(connects, 2, "the timed-out socket was replaced")
    }

    /// The BLPOP builder waits its own timeout plus the command timeout.
    func testBlockingCommandOutlastsCommandTimeout() async throws {
        let redis = try await connect(commandTimeout: .milliseconds(100))
        defer { redis.close() }
        let reply = try await redis.send(.blpop(keys: ["timeout:none"], timeout: .milliseconds(600)))
        XCTAssertEqual(reply, .null)
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"))
        let connects = await redis.connectCount
        XCTAssertEqual(connects, 1, "no timeout, no reconnect")
    }

    /// After a blocking command, ordinary commands get the short limit back.
    func testCommandTimeoutRestoredAfterBlockingCommand() async throws {
        let redis = try await connect(commandTimeout: .milliseconds(200))
        defer { redis.close() }
        _ = try await redis.send(.blpop(keys: ["timeout:none"], timeout: .milliseconds(50)))
        let error = await RedisTestSupport.expectError {
            try await redis.send(RedisCommand("BLPOP", [.key("timeout:none"), "5"]))
        }
        guard case .timeout? = error else { return XCTFail("\(String(describing: error))") }
    }

    /// No command timeout: a reply may take longer than the connect timeout (which must not leak into reads).
    func testNoCommandTimeoutMeansNoReadLimit() async throws {
        var configuration = try RedisTestSupport.configuration(database: 5)
        configuration.connectTimeout = .milliseconds(100)
        configuration.commandTimeout = nil
        let redis = try await RedisConnection(configuration: configuration)
        defer { redis.close() }
        let reply = try await redis.send(RedisCommand("BLPOP", [.key("timeout:none"), "0.5"]))
        XCTAssertEqual(reply, .null)
    }

    /// A listener whose accept queue is full drops further SYNs, so connecting hangs until the timeout.
    func testConnectTimeout() async throws {
        let listener = try SaturatedListener()
        defer { listener.close() }
        let configuration = RedisConfiguration(host: "127.0.0.1", port: listener.port, connectTimeout: .milliseconds(300))
        let error = await RedisTestSupport.expectError { try await RedisConnection(configuration: configuration) }
        guard case .timeout(let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.contains("connecting to 127.0.0.1:\(listener.port)"), message)
    }
}
