import Database
import PHPFormats
@testable import Spark
import XCTest

/// The hand-written encoders of bulk writes: PostgreSQL array literals and random v4 ids.
final class SparkBulkEncodingTests: XCTestCase {
    func testArrayLiteralQuotesEscapesAndPrintsNumbers() {
        let values: [SQLValue] = [.text("a"), .text("b\"c\\d"), .null, .int(7), .int(-42), .int(Int64.min), .int(Int64.max), .int(0),
                                  .text(""), .text("\"\\"), .text("é ☃"), .blob([0x00, 0x0f, 0xab])]
        XCTAssertEqual(SparkWriter.arrayLiteral(values),
                       #"{"a","b\"c\\d",NULL,7,-42,-9223372036854775808,9223372036854775807,0,"","\"\\","é ☃","\\x000fab"}"#)
        XCTAssertEqual(SparkWriter.arrayLiteral([]), "{}")
    }

    func testNewIdsAreLowerCaseVersion4AndDistinct() {
        let ids = (0..<5000).map { _ in SparkWriter.newId() }
        XCTAssertEqual(Set(ids).count, ids.count)
        let shape = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        for id in ids { XCTAssertNotNil(id.wholeMatch(of: shape), id) }
        // Every hex digit shows up in the random positions: the bytes are not stuck.
        XCTAssertEqual(Set(ids.joined().filter { $0 != "-" }).count, 16)
    }

    func testJSONColumnTextTurnsEveryEmptyObjectIntoAnEmptyArray() throws {
        let nested = try JSONParser.parse(Array(#"{"a":{},"b":[{"c":{}},{"d":"x/y"}],"e":{"f":1}}"#.utf8))
        XCTAssertEqual(try PHPJSON.encode(nested), #"{"a":[],"b":[{"c":[]},{"d":"x\/y"}],"e":{"f":1}}"#)
        let plain = try JSONParser.parse(Array(#"{"metric":"m","raw":{"qty":1.5,"date":"2025-08-01"}}"#.utf8))
        XCTAssertEqual(try PHPJSON.encode(plain), #"{"metric":"m","raw":{"qty":1.5,"date":"2025-08-01"}}"#)
        XCTAssertEqual(try PHPJSON.encode(.object(JSONObject())), "[]")
    }
}
