import Redis
import XCTest

/// AUTH with a password and with an ACL user, against a private redis-server with `requirepass`;
/// also unix-socket connections to it.
final class RedisAuthenticationTests: XCTestCase {
    private var server: TemporaryRedisServer!

    override func setUpWithError() throws {
        server = try TemporaryRedisServer(["--requirepass", "s3cret"])
    }

    override func tearDown() {
        server?.destroy()
    }

    private func configuration(username: String? = nil, password: String?) -> RedisConfiguration {
        RedisConfiguration(host: "127.0.0.1", port: server.port, username: username, password: password)
    }

    func testPasswordAuthentication() async throws {
        let redis = try await RedisConnection(configuration: configuration(password: "s3cret"))
        defer { redis.close() }
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"))
    }

    func testWrongPasswordFails() async throws {
        let error = await RedisTestSupport.expectError { try await RedisConnection(configuration: configuration(password: "wrong")) }
        guard case .authenticationFailed(let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.hasPrefix("WRONGPASS"), message)
        XCTAssertTrue(error!.description.hasPrefix("Redis authentication failed: WRONGPASS"), error!.description)
    }

    func testMissingPasswordSurfacesNOAUTH() async throws {
        let redis = try await RedisConnection(configuration: configuration(password: nil))
        defer { redis.close() }
        let error = await RedisTestSupport.expectError { try await redis.send(.ping()) }
        guard case .server(let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.hasPrefix("NOAUTH"), message)
    }

    func testACLUserAuthentication() async throws {
        let admin = try await RedisConnection(configuration: configuration(password: "s3cret"))
        defer { admin.close() }
        _ = try await admin.send(RedisCommand("ACL", ["SETUSER", "worker", "on", ">w0rker", "~*", "&*", "+@all"]))

        let redis = try await RedisConnection(configuration: configuration(username: "worker", password: "w0rker"))
        defer { redis.close() }
        assertEqual(try await redis.send(RedisCommand("ACL", ["WHOAMI"])).string, "worker")

        let error = await RedisTestSupport.expectError {
            try await RedisConnection(configuration: configuration(username: "worker", password: "s3cret"))
        }
        guard case .authenticationFailed(let message)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(message.hasPrefix("WRONGPASS"), message)
    }

    func testURLWithUserPasswordAndDatabase() async throws {
        let admin = try await RedisConnection(configuration: configuration(password: "s3cret"))
        defer { admin.close() }
        _ = try await admin.send(RedisCommand("ACL", ["SETUSER", "u@x", "on", ">p:ss", "~*", "&*", "+@all"]))
        let redis = try await RedisConnection(configuration: RedisConfiguration(url: "redis://u%40x:p%3Ass@127.0.0.1:\(server.port)/3"))
        defer { redis.close() }
        let info = try await redis.send(RedisCommand("CLIENT", ["INFO"])).string ?? ""
        XCTAssertTrue(info.contains(" db=3 ") && info.contains(" user=u@x "), info)
    }

    func testReconnectAuthenticatesAgain() async throws {
        let redis = try await RedisConnection(configuration: configuration(password: "s3cret"))
        defer { redis.close() }
        let admin = try await RedisConnection(configuration: configuration(password: "s3cret"))
        defer { admin.close() }
        let id = try await redis.send(RedisCommand("CLIENT", ["ID"])).int ?? -1
        _ = try await admin.send(RedisCommand("CLIENT", ["KILL", "ID", .value(id)]))
        _ = try? await redis.send(.ping())
        assertEqual(try await redis.send(.ping()), .simpleString("PONG"))
        let connects = await redis.connectCount
        XCTAssertEqual(connects, 2)
    }

    func testUnixSocket() async throws {
        var byPath = configuration(password: "s3cret")
        byPath.unixSocketPath = server.socketPath
        byPath.database = 1
        let redis = try await RedisConnection(configuration: byPath)
        defer { redis.close() }
        _ = try await redis.send(.set("via", "socket"))

        let byURL = try await RedisConnection(configuration: RedisConfiguration(url: "unix://:s3cret@\(server.socketPath)?db=1"))
        defer { byURL.close() }
        assertEqual(try await byURL.send(.get("via")).string, "socket")
        let info = try await byURL.send(RedisCommand("CLIENT", ["INFO"])).string ?? ""
        XCTAssertTrue(info.contains("addr=/") || info.contains("laddr=/") || info.contains("flags=U"), info)
    }
}
