import Foundation
import HTTP
import XCTest

/// What `/echo` saw of a request.
struct Echo {
    let method: String
    let query: String
    let headers: [(String, String)]
    let body: String

    init(_ response: HTTPResponse) throws {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        method = try XCTUnwrap(object["method"] as? String)
        query = try XCTUnwrap(object["query"] as? String)
        headers = try XCTUnwrap(object["headers"] as? [[String]]).map { ($0[0], $0[1]) }
        body = try XCTUnwrap(object["body"] as? String)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// The error `body` throws, failing the test if it returns or throws something else.
func httpError(_ body: () async throws -> HTTPResponse, file: StaticString = #filePath, line: UInt = #line) async -> HTTPClientError? {
    do {
        let response = try await body()
        XCTFail("expected an HTTPClientError, got status \(response.status)", file: file, line: line)
    } catch let error as HTTPClientError {
        return error
    } catch {
        XCTFail("expected an HTTPClientError, got \(error)", file: file, line: line)
    }
    return nil
}

/// Polls `/held` through `control` until `count` requests wait in `/hold` (the wait between polls is not an
/// assertion: only the count is).
func waitUntilHeld(_ count: Int, server: HTTPTestServer, control: HTTPClient,
                   file: StaticString = #filePath, line: UInt = #line) async throws {
    for _ in 0..<1500 {
        let held = try await control.send(HTTPRequest(url: server.url("/held"))).text
        if Int(held) == count { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    XCTFail("\(count) requests never reached /hold", file: file, line: line)
}
