import HTTP
import XCTest

final class HTTPHeadersTests: XCTestCase {
    func testNamesMatchWhateverTheirCaseAndOrderIsKept() {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        headers.add(name: "Set-Cookie", value: "a=1")
        headers.add(name: "set-cookie", value: "b=2")
        XCTAssertEqual(headers["content-type"], "application/json")
        XCTAssertEqual(headers["SET-COOKIE"], "a=1")
        XCTAssertEqual(headers.values("Set-Cookie"), ["a=1", "b=2"])
        XCTAssertNil(headers["Content-Length"])
        XCTAssertEqual(headers.map(\.name), ["Content-Type", "Set-Cookie", "set-cookie"])
        headers.replaceOrAdd(name: "SET-cookie", value: "c=3")
        XCTAssertEqual(headers.values("set-cookie"), ["c=3"])
        XCTAssertEqual(HTTPHeaders([("A", "1"), ("a", "2")]).values("a"), ["1", "2"])
        XCTAssertTrue(HTTPHeaders().isEmpty)
    }

    func testNonASCIINamesAreNotFolded() {
        let headers = HTTPHeaders([("X-É", "1")])
        XCTAssertEqual(headers["X-É"], "1")
        XCTAssertNil(headers["x-é"])
    }

    func testDescriptionShowsNamesNotValues() {
        let headers: HTTPHeaders = ["Authorization": "Bearer SECRET"]
        XCTAssertEqual("\(headers)", "HTTPHeaders(Authorization)")
    }
}
