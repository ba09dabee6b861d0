import Foundation
import TestSupport
import XCTest
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe

/// The writer checked against the real `json_encode` of the installed PHP.
final class JSONWriterTests: XCTestCase {
    static let strings: [[UInt8]] = [
        "", "plain ascii", "café \"crème\"", "C:\\path\\to\\file", "https://api.monzo.com/x?a=1&b=2", "</script>",
        "line1\nline2\r\n\ttabbed", "bell\u{07} unit\u{1F} nul\u{00}end", "\u{08}\u{0C}\u{7F}", "\u{2028}\u{2029}",
        "Zoë Ünicode 😀", "🥐🇫🇷", "\u{FFFF}\u{10FFFF}", "日本語", "it's <b>&amp;</b>", "\u{0}*\u{0}podcastId",
    ].map { Array($0.utf8) } + [
        [0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0x61, 0x80, 0x62],
    ]

    static let doubles: [Double] = [
        0, -0.0, 1, 10, 0.1, 0.5, -1.5, 50.25, 90.50026665345655, 1e15, 1e16, 1e17, 123456789012345680, 1e25, 1e-4,
        1e-5, 1.5e-7, 2.5e300, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, 1795981914.9726, 12345678901234568,
    ]

    /// Runs PHP over base64 lines; each output line is base64 of json_encode's result, or `FALSE`.
    private func phpEncode(_ inputs: [[UInt8]], decodeAs: String, flags: String) throws -> [String] {
        let code = """
        while (($l = fgets(STDIN)) !== false) {
            $v = \(decodeAs);
            $r = json_encode($v, \(flags));
            echo $r === false ? "FALSE" : base64_encode($r), "\\n";
        }
        """
        let stdin = inputs.map { Data($0).base64EncodedString() + "\n" }.joined()
        let result = try ProcessRunner.phpCode(code, stdin: Array(stdin.utf8))
        return result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    private func ours(_ value: JSONValue, _ options: JSONWriter.Options) -> String {
        guard let bytes = try? JSONWriter.encode(value, options: options) else { return "FALSE" }
        return Data(bytes).base64EncodedString()
    }

    func testStringsMatchPHPForEveryFlagCombination() throws {
        let combos: [(String, JSONWriter.Options)] = [
            ("0", []), ("JSON_UNESCAPED_UNICODE", [.unescapedUnicode]), ("JSON_UNESCAPED_SLASHES", [.unescapedSlashes]),
            ("JSON_UNESCAPED_UNICODE|JSON_UNESCAPED_SLASHES", [.unescapedUnicode, .unescapedSlashes]),
        ]
        for (flags, options) in combos {
            let php = try phpEncode(Self.strings, decodeAs: "base64_decode(trim($l))", flags: flags)
            XCTAssertEqual(php.count, Self.strings.count)
            for (input, expected) in zip(Self.strings, php) {
                XCTAssertEqual(ours(.string(input), options), expected, "flags \(flags), input \(input)")
            }
        }
    }

    func testObjectsAndKeysMatchPHP() throws {
        // Keys are escaped like values; nested structures keep order.
        let value = JSONValue.object(JSONObject([
            "a/b": .string("é"), "é": .array([.int(1), .null, .bool(true)]), "\u{1}": .object(JSONObject()),
        ]))
        let php = try ProcessRunner.phpCode(#"echo json_encode(["a/b" => "é", "é" => [1, null, true], "\x01" => new stdClass]);"#)
        XCTAssertEqual(try JSONWriter.encode(value, options: .plain), php.stdout)
        let php2 = try ProcessRunner.phpCode(#"echo json_encode(["a/b" => "é", "é" => [1, null, true], "\x01" => new stdClass], JSON_UNESCAPED_UNICODE);"#)
        XCTAssertEqual(try JSONWriter.encode(value, options: .laravelPayload), php2.stdout)
    }

    func testDoublesMatchPHP() throws {
        let inputs = Self.doubles.map { d -> [UInt8] in withUnsafeBytes(of: d.bitPattern.bigEndian) { Array($0) } }
        let php = try phpEncode(inputs, decodeAs: "unpack('E', base64_decode(trim($l)))[1]", flags: "0")
        for (d, expected) in zip(Self.doubles, php) {
            let number = try XCTUnwrap(JSONNumber(d))
            XCTAssertEqual(ours(.number(number), []), expected, "double \(d)")
        }
        XCTAssertNil(JSONNumber(Double.nan))
        XCTAssertNil(JSONNumber(Double.infinity))
    }

    /// What `queue:retry` and Horizon do to cjson numbers: json_decode + json_encode.
    func testNumberCanonicalizationMatchesPHPRoundTrip() throws {
        let texts = ["0", "-0", "7", "-12", "1.0", "1e+16", "1.2345678901235e+16", "1e+20", "1E2", "0.1", "1e-7",
                     "9223372036854775807", "9223372036854775808", "-9223372036854775809", "12345678901234567890",
                     "1700000000123", "90.50026665345655"]
        let php = try phpEncode(texts.map { Array($0.utf8) }, decodeAs: "json_decode(base64_decode(trim($l)))", flags: "0")
        for (text, expected) in zip(texts, php) {
            let n = try XCTUnwrap(JSONNumber(text: text))
            XCTAssertEqual(ours(.number(n.phpCanonical), []), expected, "number \(text)")
        }
    }

    func testStructuresRoundTripLikePHPJSONDecodeAssoc() throws {
        let input = #"{"l":{},"m":{"0":"a","1":"b"},"n":{"1":"a","0":"b"},"d":{"k":1,"k":2,"z":3},"x":[{}],"s":"\u00e9\/"}"#
        let php = try ProcessRunner.phpCode("echo json_encode(json_decode(stream_get_contents(STDIN), true));", stdin: Array(input.utf8))
        let ours = try JSONWriter.encode(try JSONParser.parse(input).phpRoundTripped, options: .plain)
        XCTAssertEqual(String(decoding: ours, as: UTF8.self), php.stdoutText)
    }

    func testInvalidUTF8FailsEncoding() {
        XCTAssertThrowsError(try JSONWriter.encode(.string([0x61, 0xFF]))) { XCTAssertEqual($0 as? JSONWriter.Error, .invalidUTF8) }
        XCTAssertThrowsError(try JSONWriter.encode(.object(JSONObject(["k": .array([.string([0xED, 0xA0, 0x80])])]))))
    }
}
