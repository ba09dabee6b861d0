import XCTest
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe

final class JSONParserTests: XCTestCase {
    /// Member names: plain ones are read straight from the input, the rest as any string.
    func testMemberNames() throws {
        let v = try JSONParser.parse(#"{"plain":1,"a\"b":2,"é":3,"\u0041":4,"":5,"x\/y":6}"#)
        XCTAssertEqual(v.objectValue?.keys, ["plain", "a\"b", "é", "A", "", "x/y"])
        XCTAssertThrowsError(try JSONParser.parse(#"{"abc"#))
        XCTAssertThrowsError(try JSONParser.parse("{\"a\u{1}\":1}"))
    }

    /// The word-at-a-time string scan: escapes, control bytes, UTF-8 and the closing quote at every offset
    /// of an 8-byte word and near the end of the input decode as the byte-by-byte loop would.
    func testStringScanAtEveryOffset() throws {
        let specials: [(json: String, bytes: [UInt8])] = [
            (#"\""#, [0x22]), (#"\\"#, [0x5C]), (#"\/"#, [0x2F]), (#"\n"#, [0x0A]), (#"\t"#, [0x09]),
            (#"\u0041"#, [0x41]), ("é", Array("é".utf8)), ("~", [0x7E]), (" ", [0x20]),
            ("\u{7F}", [0x7F]), (#"\"\\\/"#, [0x22, 0x5C, 0x2F]),
        ]
        for length in 0..<20 {
            for position in 0...length {
                for special in specials {
                    var json = "", bytes: [UInt8] = []
                    for k in 0..<length {
                        if k == position { json += special.json; bytes += special.bytes }
                        let c = Character(UnicodeScalar(UInt8(97 + k % 26)))
                        json.append(c); bytes.append(UInt8(97 + k % 26))
                    }
                    if position == length { json += special.json; bytes += special.bytes }
                    XCTAssertEqual(try JSONParser.parse("\"\(json)\"").stringBytes, bytes, json)
                    XCTAssertEqual(try JSONParser.parse("[\"\(json)\",\"\(json)\"]").arrayValue?.last?.stringBytes, bytes, json)
                }
                let raw = String(repeating: "a", count: position) + "\u{1}" + String(repeating: "b", count: length - position)
                XCTAssertThrowsError(try JSONParser.parse("\"\(raw)\""), raw)
                XCTAssertThrowsError(try JSONParser.parse("\"" + String(repeating: "a", count: length)), "unterminated \(length)")
            }
        }
    }

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
