import XCTest
@testable import Digests

/// Lowercase hex, as PHP's `bin2hex`, `sha1()` and `json_encode`'s `\u` escapes print it.
final class HexTests: XCTestCase {
    func testBytes() {
        XCTAssertEqual(Hex.string([UInt8]()), "")
        XCTAssertEqual(Hex.string([0x00, 0x01, 0x0f, 0x10, 0x7f, 0x80, 0xab, 0xff]), "00010f107f80abff")
        XCTAssertEqual(Hex.ascii([0xde, 0xad]), Array("dead".utf8))
        var out = Array("x".utf8)
        Hex.append([0xbe, 0xef], to: &out)
        XCTAssertEqual(out, Array("xbeef".utf8))
    }

    func testEveryByteIsTwoLowercaseDigits() {
        let text = Hex.string((0...255).map(UInt8.init))
        XCTAssertEqual(text.utf8.count, 512)
        XCTAssertTrue(text.hasPrefix("000102030405060708090a0b0c0d0e0f10"))
        XCTAssertTrue(text.hasSuffix("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"))
    }

    /// Integers: every digit of the width, zero-padded, most significant first.
    func testIntegers() {
        XCTAssertEqual(Hex.string(UInt8(0x0a)), "0a")
        XCTAssertEqual(Hex.string(UInt16(0xe9)), "00e9")
        XCTAssertEqual(Hex.string(UInt16(0x2028)), "2028")
        XCTAssertEqual(Hex.string(UInt32(0xdead_beef)), "deadbeef")
        XCTAssertEqual(Hex.string(UInt64(0x0123_4567_89ab_cdef)), "0123456789abcdef")
        XCTAssertEqual(Hex.string(UInt64.max), "ffffffffffffffff")
        var out: [UInt8] = []
        Hex.append(UInt16(0xd83d), to: &out)
        XCTAssertEqual(out, Array("d83d".utf8))
    }
}
