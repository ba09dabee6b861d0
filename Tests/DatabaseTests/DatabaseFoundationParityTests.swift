@testable import Database
import Foundation
import XCTest

/// The Foundation-free string helpers of Database against the Foundation calls they replaced.
final class DatabaseFoundationParityTests: XCTestCase {
    /// `trimmingWhitespace` = `trimmingCharacters(in: .whitespacesAndNewlines)`, every scalar on either side.
    func testTrimmingWhitespaceMatchesFoundation() {
        for scalar in (0...0x3100).compactMap(Unicode.Scalar.init) + ["\u{FEFF}", "\u{301}"] {
            var padded = String.UnicodeScalarView()
            padded.append(scalar); padded.append("x"); padded.append(scalar)
            let text = String(padded)
            XCTAssertEqual(String(text.trimmingWhitespace()), text.trimmingCharacters(in: .whitespacesAndNewlines),
                           "U+\(String(scalar.value, radix: 16))")
        }
        XCTAssertEqual(String(" \r\n ERROR:  x \n".trimmingWhitespace()), "ERROR:  x")
        XCTAssertEqual(String(" \n".trimmingWhitespace()), "")
    }

    func testNumberPaddingIsTrimmedForNumericReads() {
        XCTAssertEqual(SQLValue.text(" \t42\r\n").int64, 42)
        XCTAssertEqual(SQLValue.text("\n-2.5 ").double, -2.5)
        XCTAssertNil(SQLValue.text("\u{A0}42").int64)
    }

    /// Every `"` scalar is doubled, even one a combining mark attaches to (a Character-level replace misses it).
    func testQuotingDoublesEveryQuoteScalar() {
        let quoted = SQLDialect.sqlite.quote(identifier: "a\"\u{301}b\"")
        XCTAssertEqual(Array(quoted.unicodeScalars), Array("\"a\"\"\u{301}b\"\"\"".unicodeScalars))
    }
}
