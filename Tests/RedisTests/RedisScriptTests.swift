import Redis
import XCTest

/// The Swift SHA-1 must name scripts exactly as Redis does, or every EVALSHA would miss.
final class RedisScriptTests: XCTestCase {
    func testSHA1KnownVectors() {
        XCTAssertEqual(RedisScript("").sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(RedisScript("abc").sha1, "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(RedisScript("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").sha1,
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(RedisScript(String(repeating: "a", count: 1_000_000)).sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    /// Lengths around the 55/56/64-byte padding edges and non-ASCII text, checked against the server.
    func testSHA1MatchesScriptLoad() async throws {
        let redis = try await RedisTestSupport.connect(database: 3)
        defer { redis.close() }
        var sources = [54, 55, 56, 63, 64, 65, 119, 120, 1000].map { "return '" + String(repeating: "x", count: $0) + "'" }
        sources.append("-- café ✓\nreturn redis.call('GET', KEYS[1])")
        for source in sources {
            let reply = try await redis.send(RedisCommand("SCRIPT", ["LOAD", .value(source)]))
            XCTAssertEqual(reply.string, RedisScript(source).sha1, "length \(source.utf8.count)")
        }
    }
}
