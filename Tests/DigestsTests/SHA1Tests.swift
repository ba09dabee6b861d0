import XCTest
@testable import Digests

/// SHA-1 against the FIPS 180 / RFC 3174 test vectors, including the padding edges (55, 56, 64 bytes).
final class SHA1Tests: XCTestCase {
    func testKnownVectors() {
        let vectors: [(String, String)] = [
            ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
            ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
            (String(repeating: "a", count: 1_000_000), "34aa973cd4c4daa4f61eeb2bdbad27316534016f"),
        ]
        for (message, digest) in vectors {
            XCTAssertEqual(SHA1.hex(Array(message.utf8)), digest, "\(message.prefix(20))… (\(message.utf8.count) bytes)")
        }
    }

    func testDigestIsTwentyBytesInOrder() {
        XCTAssertEqual(SHA1.digest(Array("abc".utf8)).prefix(4), [0xa9, 0x99, 0x3e, 0x36])
        XCTAssertEqual(SHA1.digest([]).count, 20)
    }

    func testAcceptsAnyByteCollection() {
        XCTAssertEqual(SHA1.hex("abc".utf8), SHA1.hex(Array("xabc".utf8).dropFirst()))
    }
}
