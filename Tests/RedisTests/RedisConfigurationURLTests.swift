import Redis
import XCTest

final class RedisConfigurationURLTests: XCTestCase {
    func testHostPortAndDatabase() throws {
        let c = try RedisConfiguration(url: "redis://cache.internal:6380/3")
        XCTAssertEqual(c.host, "cache.internal")
        XCTAssertEqual(c.port, 6380)
        XCTAssertEqual(c.database, 3)
        XCTAssertNil(c.unixSocketPath)
        XCTAssertNil(c.username)
        XCTAssertNil(c.password)
    }

    func testDefaultsWhenPartsAreMissing() throws {
        let c = try RedisConfiguration(url: "redis://example.org")
        XCTAssertEqual(c.host, "example.org")
        XCTAssertEqual(c.port, 6379)
        XCTAssertEqual(c.database, 0)
        let slash = try RedisConfiguration(url: "redis://example.org:7000/")
        XCTAssertEqual(slash.port, 7000)
        XCTAssertEqual(slash.database, 0)
    }

    func testPasswordOnly() throws {
        let c = try RedisConfiguration(url: "redis://:s3cr%40t@10.0.0.5:6379/1")
        XCTAssertNil(c.username)
        XCTAssertEqual(c.password, "s3cr@t")
        XCTAssertEqual(c.host, "10.0.0.5")
        XCTAssertEqual(c.database, 1)
    }

    func testUserAndPassword() throws {
        let c = try RedisConfiguration(url: "redis://worker:p%3Ass@redis:6379/2")
        XCTAssertEqual(c.username, "worker")
        XCTAssertEqual(c.password, "p:ss")
        XCTAssertEqual(c.host, "redis")
        XCTAssertEqual(c.database, 2)
    }

    /// Like redis-cli: user info without a colon is the password of the default user.
    func testUserInfoWithoutColonIsPassword() throws {
        let c = try RedisConfiguration(url: "redis://secret@localhost")
        XCTAssertNil(c.username)
        XCTAssertEqual(c.password, "secret")
    }

    func testIPv6Host() throws {
        let c = try RedisConfiguration(url: "redis://[::1]:6390/4")
        XCTAssertEqual(c.host, "::1")
        XCTAssertEqual(c.port, 6390)
        XCTAssertEqual(c.database, 4)
        XCTAssertEqual(c.endpoint, "[::1]:6390")
    }

    func testQueryOverridesDatabaseAndCredentials() throws {
        let c = try RedisConfiguration(url: "redis://h/1?db=5&password=x%20y&username=bob&timeout=3")
        XCTAssertEqual(c.database, 5)
        XCTAssertEqual(c.password, "x y")
        XCTAssertEqual(c.username, "bob")
    }

    func testUnixScheme() throws {
        let c = try RedisConfiguration(url: "unix:///var/run/redis/redis.sock?db=7")
        XCTAssertEqual(c.unixSocketPath, "/var/run/redis/redis.sock")
        XCTAssertEqual(c.database, 7)
        XCTAssertEqual(c.endpoint, "unix:/var/run/redis/redis.sock")
    }

    func testUnixSchemeWithPassword() throws {
        let c = try RedisConfiguration(url: "unix://:pw@/tmp/r.sock")
        XCTAssertEqual(c.unixSocketPath, "/tmp/r.sock")
        XCTAssertEqual(c.password, "pw")
        XCTAssertEqual(c.database, 0)
    }

    func testRedisSchemeWithEmptyHostIsSocketPath() throws {
        let c = try RedisConfiguration(url: "redis:///tmp/redis.sock?db=2")
        XCTAssertEqual(c.unixSocketPath, "/tmp/redis.sock")
        XCTAssertEqual(c.database, 2)
    }

    func testSchemeIsCaseInsensitive() throws {
        XCTAssertEqual(try RedisConfiguration(url: "REDIS://h:1/0").port, 1)
    }

    func testTLSIsRejectedClearly() {
        XCTAssertThrowsError(try RedisConfiguration(url: "rediss://h:6380")) { error in
            guard case RedisError.invalidURL(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("TLS"), message)
        }
    }

    func testInvalidURLs() {
        for url in [
            "h:6379", "http://h", "redis://h:0", "redis://h:70000", "redis://h:port", "redis://h/x",
            "redis://h/-1", "redis://[::1", "unix://host/path.sock", "unix://", "redis://h/?db=z", "redis://:%zz@h",
        ] {
            XCTAssertThrowsError(try RedisConfiguration(url: url), url) { error in
                guard case RedisError.invalidURL(let message) = error else { return XCTFail("\(url): \(error)") }
                XCTAssertTrue(message.contains(url), "message names the URL: \(message)")
            }
        }
    }

    func testOtherSettingsKeepDefaults() throws {
        let c = try RedisConfiguration(url: "redis://h")
        XCTAssertEqual(c.keyPrefix, "")
        XCTAssertEqual(c.connectTimeout, .seconds(5))
        XCTAssertEqual(c.commandTimeout, .seconds(30))
    }

    func testBackoffIsExponentialCappedAndBounded() {
        let b = ReconnectBackoff(initialDelay: .milliseconds(100), maxDelay: .milliseconds(500), attempts: 6)
        XCTAssertEqual((1...6).map { b.delay(beforeAttempt: $0) },
                       [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500), .milliseconds(500)])
        XCTAssertEqual(ReconnectBackoff(attempts: 0).attempts, 1)
    }
}
