import Foundation
import PHPSerialization
import TestSupport
import XCTest
@testable import PHPFormats

/// `PHPValue.isTruthy` and `JSONValue.isTruthy` against PHP itself: PHP builds each value, serializes it
/// (or decodes the JSON as Laravel does, `json_decode($json, true)`) and says what `(bool)` gives.
final class PHPTruthinessTests: XCTestCase {
    /// PHP expressions, one per line; the edges of each rule and their neighbours.
    static let expressions = [
        "null", "true", "false",
        "0", "-0", "1", "-1", "PHP_INT_MAX", "PHP_INT_MIN",
        "0.0", "-0.0", "0.1", "-1e-300", "5e-324", "NAN", "INF", "-INF",
        "''", "'0'", "'00'", "'0.0'", "'-0'", "' '", "'0 '", "' 0'", "'false'", "\"\\0\"", "'a'",
        "[]", "[0]", "[null]", "['']", "[[]]", "['k' => false]",
        "new stdClass", "(object) []", "(object) ['a' => 0]", "new ArrayObject([])", "Suit::Hearts",
    ]

    /// JSON texts as they may sit in a payload, including what cjson writes (`{}` for an empty list).
    static let jsonTexts = [
        "null", "true", "false",
        "0", "-0", "1", "0.0", "-0.0", "0e5", "1e-400", "-1e-400", "1e400", "0.5", "99999999999999999999",
        #""""#, #""0""#, #""0.0""#, #"" ""#, #""false""#, #""\u0030""#,
        "[]", "{}", "[0]", "[[]]", #"{"a":0}"#, #"{"0":null}"#,
    ]

    func testPHPValuesMatchPHP() throws {
        let code = #"""
            enum Suit: string { case Hearts = 'H'; }
            while (($line = fgets(STDIN)) !== false) {
                $v = eval('return ' . trim($line) . ';');
                echo base64_encode(serialize($v)), ' ', $v ? '1' : '0', "\n";
            }
            """#
        let lines = try phpLines(code, Self.expressions)
        for (expression, line) in zip(Self.expressions, lines) {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let data = Data(base64Encoded: String(parts[0])) else { XCTFail("PHP said \(line)"); continue }
            let value = try PHPUnserializer.unserialize([UInt8](data))
            XCTAssertEqual(value.isTruthy, parts[1] == "1", "(bool) \(expression)")
        }
    }

    func testJSONValuesMatchPHP() throws {
        let code = #"""
            while (($line = fgets(STDIN)) !== false) {
                $v = json_decode(base64_decode(trim($line)), true, 512, JSON_THROW_ON_ERROR);
                echo $v ? '1' : '0', "\n";
            }
            """#
        let lines = try phpLines(code, Self.jsonTexts.map { Data($0.utf8).base64EncodedString() })
        for (json, line) in zip(Self.jsonTexts, lines) {
            XCTAssertEqual(try JSONParser.parse(Array(json.utf8)).isTruthy, line == "1", "(bool) json_decode('\(json)', true)")
        }
    }

    /// The rules the brief states, pinned without PHP so a reader sees them.
    func testStatedRules() {
        let falsy: [PHPValue] = [.null, .bool(false), .int(0), .double(0), .double(-0.0), .string(""), .string("0"), .array(PHPArray())]
        for value in falsy { XCTAssertFalse(value.isTruthy, "\(value)") }
        let truthy: [PHPValue] = [.double(.nan), .string("0.0"), .string(" "), .object(PHPObject(className: "stdClass")),
                                  .array(PHPArray(list: [.null]))]
        for value in truthy { XCTAssertTrue(value.isTruthy, "\(value)") }
    }

    private func phpLines(_ code: String, _ inputs: [String]) throws -> [String] {
        let stdin = Array(inputs.map { $0 + "\n" }.joined().utf8)
        let output = try ProcessRunner.run(["php", "-d", "display_errors=stderr", "-r", code], stdin: stdin).stdoutText
        let lines = output.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, inputs.count, output)
        return lines
    }
}
