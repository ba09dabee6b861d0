import XCTest
@testable import LaravelQueue

final class JSONParserTests: XCTestCase {
    func testParsesCjsonOutput() throws {
        let v = try JSONParser.parse(#"{"b":1.2345678901235e+16,"a":{},"c":"caf\u00e9\/x","d":[true,false,null,-0]}"#)
        XCTAssertEqual(v["b"]?.numberValue?.text, "1.2345678901235e+16")
        XCTAssertEqual(v["b"]?.laravelInt, 12_345_678_901_235_000)
        XCTAssertEqual(v["a"]?.arrayValue, [])
        XCTAssertEqual(v["c"]?.stringValue, "café/x")
        XCTAssertEqual(v.objectValue?.keys, ["b", "a", "c", "d"])
    }
}
