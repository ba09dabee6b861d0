import XCTest
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe

final class JSONParserTests: XCTestCase {
    func testParsesCjsonOutput() throws {
        let v = try JSONParser.parse(#"{"b":1.2345678901235e+16,"a":{},"c":"caf\u00e9\/x","d":[true,false,null,-0],"e":"é"}"#)
        XCTAssertEqual(v["b"]?.numberValue?.text, "1.2345678901235e+16")
        XCTAssertEqual(v["b"]?.laravelInt, 12_345_678_901_235_000)
        XCTAssertEqual(v["a"]?.arrayValue, [])
        XCTAssertEqual(v["c"]?.stringValue, "café/x")
        XCTAssertEqual(v["e"]?.stringValue, "é")
        XCTAssertEqual(v["d"]?.arrayValue?.count, 4)
        XCTAssertEqual(v.objectValue?.keys, ["b", "a", "c", "d", "e"])
    }

    func testKeepsNumberTextExactly() throws {
        let text = #"[12345678901234567890,1.0,-0,1E2,0.10]"#
        let v = try JSONParser.parse(text)
        XCTAssertEqual(v.arrayValue?.compactMap(\.numberValue?.text), ["12345678901234567890", "1.0", "-0", "1E2", "0.10"])
        XCTAssertEqual(try JSONWriter.encode(v), Array(text.utf8))
    }

    func testSurrogatePairsAndEscapes() throws {
        let v = try JSONParser.parse(#""\ud83e\udd50\u0000\b\f\n\r\t\"\\\/""#)
        XCTAssertEqual(v.stringBytes, Array("🥐\u{0}\u{8}\u{C}\n\r\t\"\\/".utf8))
    }

    func testWhitespaceAroundTokensAndTrailingNewline() throws {
        XCTAssertEqual(try JSONParser.parse(" {\n\"a\" : [ 1 , 2 ] }\n"), .object(JSONObject(["a": .array([.int(1), .int(2)])])))
    }

    func testDuplicateKeysReadLastValue() throws {
        let v = try JSONParser.parse(#"{"attempts":1,"attempts":2}"#)
        XCTAssertEqual(v["attempts"]?.laravelInt, 2)
    }

    func testRejectsWhatPHPRejects() {
        let bad: [String] = [
            "", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1", "1e", "tru", "nul", "\"abc", "\"\\x\"", "\"\\ud800\"",
            "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\u{01}b\"", "{} x", "[1] [2]", "NaN", "'a'", "{a:1}",
        ]
        for text in bad {
            XCTAssertThrowsError(try JSONParser.parse(text), "accepted \(text.debugDescription)")
        }
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xC0, 0xAF, 0x22]] {
            XCTAssertThrowsError(try JSONParser.parse(bytes), "accepted \(bytes)")
        }
    }

    func testNestingLimit() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        XCTAssertThrowsError(try JSONParser.parse(deep))
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertNoThrow(try JSONParser.parse(ok))
    }

    func testLaravelIntCoercion() throws {
        let cases: [(String, Int?)] = [
            ("2", 2), ("2.0", 2), ("1e+16", 10_000_000_000_000_000), ("\"2\"", 2), ("\" 3\"", 3), ("\"2.0\"", 2),
            ("\"abc\"", nil), ("2.5", nil), ("null", nil), ("true", nil), ("\"\"", nil), ("1e400", nil),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try JSONParser.parse(text).laravelInt, expected, text)
        }
    }
}
