import HTTP
import XCTest

/// Requests and responses as sent and received over HTTPS, with the test CA trusted through `caFile`.
final class HTTPClientRoundTripTests: XCTestCase {
    private var server: HTTPTestServer!
    private var client: HTTPClient!

    override func setUpWithError() throws {
        server = try HTTPTestServer()
        client = HTTPClient(configuration: HTTPClientConfiguration(caFile: try HTTPTestServer.caFile))
    }

    override func tearDown() async throws {
        await client.shutdown()
        server.stop()
    }

    func testGetSendsQueryAndHeadersAndOnlyThoseOfItsOwnThatHTTPNeeds() async throws {
        let response = try await client.send(HTTPRequest(url: server.url("/echo?since=tx_1&expand%5B%5D=merchant"),
                                                         headers: ["Authorization": "Bearer token", "X-Empty": ""]))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "application/json")
        let echo = try Echo(response)
        XCTAssertEqual(echo.method, "GET")
        XCTAssertEqual(echo.query, "since=tx_1&expand%5B%5D=merchant")
        XCTAssertEqual(echo.header("Authorization"), "Bearer token")
        XCTAssertEqual(echo.header("X-Empty"), "")
        XCTAssertEqual(echo.header("User-Agent"), "Shuttle")
        XCTAssertNil(echo.header("Content-Type"))
        XCTAssertNil(echo.header("Content-Length"))
        XCTAssertEqual(echo.body, "")
    }

    func testPostSendsBodyAndContentTypeWithoutExpectContinue() async throws {
        let body = "{\"note\":\"" + String(repeating: "é", count: 2000) + "\"}"
        let response = try await client.send(HTTPRequest(method: .post, url: server.url("/echo"),
                                                         headers: ["Content-Type": "application/json"],
                                                         body: Array(body.utf8)))
        XCTAssertEqual(response.status, 200)
        let echo = try Echo(response)
        XCTAssertEqual(echo.method, "POST")
        XCTAssertEqual(echo.body, body)
        XCTAssertEqual(echo.header("Content-Type"), "application/json")
        XCTAssertEqual(echo.header("Content-Length"), "\(body.utf8.count)")
        XCTAssertNil(echo.header("Expect"))
    }

    func testPostWithoutContentTypeGetsNoFormContentType() async throws {
        let echo = try Echo(try await client.send(HTTPRequest(method: .post, url: server.url("/echo"), body: Array("a=b".utf8))))
        XCTAssertNil(echo.header("Content-Type"))
        XCTAssertEqual(echo.body, "a=b")
    }

    func testEveryMethodIsSentAsItself() async throws {
        for method in [HTTPMethod.put, .patch, .delete] {
            let echo = try Echo(try await client.send(HTTPRequest(method: method, url: server.url("/echo"), body: Array("x".utf8))))
            XCTAssertEqual(echo.method, method.rawValue)
            XCTAssertEqual(echo.body, "x")
        }
        let put = try Echo(try await client.send(HTTPRequest(method: .put, url: server.url("/echo"))))
        XCTAssertEqual(put.header("Content-Length"), "0", "an empty PUT still says its length")
        let delete = try Echo(try await client.send(HTTPRequest(method: .delete, url: server.url("/echo"))))
        XCTAssertEqual(delete.method, "DELETE")
        let head = try await client.send(HTTPRequest(method: .head, url: server.url("/bytes?n=100")))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.headers["Content-Length"], "100")
        XCTAssertEqual(head.body, [])
    }

    func testStatusCodesArePassedThroughNotThrown() async throws {
        for status in [201, 204, 400, 401, 404, 422, 500, 503] {
            let response = try await client.send(HTTPRequest(url: server.url("/status/\(status)")))
            XCTAssertEqual(response.status, status)
            XCTAssertEqual(response.text, status == 204 ? "" : "status \(status)")
        }
    }

    func testRedirectsAreReturnedNotFollowed() async throws {
        let response = try await client.send(HTTPRequest(url: server.url("/redirect")))
        XCTAssertEqual(response.status, 302)
        XCTAssertEqual(response.headers["location"], "/echo")
        XCTAssertEqual(response.text, "moved")
    }

    func testRetryAfterAndRepeatedHeadersKeepTheirOrder() async throws {
        let limited = try await client.send(HTTPRequest(url: server.url("/retry-after?seconds=7")))
        XCTAssertEqual(limited.status, 429)
        XCTAssertEqual(limited.headers["RETRY-AFTER"], "7")
        let multi = try await client.send(HTTPRequest(url: server.url("/multi")))
        XCTAssertEqual(multi.headers.values("x-multi"), ["a", "b"])
        XCTAssertEqual(multi.headers["X-Multi"], "a")
    }

    func testBodyAtTheCapIsKept() async throws {
        let capped = HTTPClient(configuration: HTTPClientConfiguration(caFile: try HTTPTestServer.caFile, maxResponseBytes: 50_000))
        let plain = try await capped.send(HTTPRequest(url: server.url("/bytes?n=50000")))
        let chunked = try await capped.send(HTTPRequest(url: server.url("/bytes?n=50000&chunked=1")))
        await capped.shutdown()
        XCTAssertEqual(plain.body, Array(repeating: UInt8(ascii: "x"), count: 50_000))
        XCTAssertEqual(chunked.body, Array(repeating: UInt8(ascii: "x"), count: 50_000))
        XCTAssertNil(chunked.headers["Content-Length"])
    }

    func testCAFileFromEnvironmentIsTrusted() async throws {
        let configured = HTTPClient(configuration: .fromEnvironment(["SSL_CERT_FILE": try HTTPTestServer.caFile]))
        let response = try await configured.send(HTTPRequest(url: "https://localhost:\(server.port)/status/200"))
        await configured.shutdown()
        XCTAssertEqual(response.status, 200, "the certificate is for localhost as well as 127.0.0.1")
    }
}
