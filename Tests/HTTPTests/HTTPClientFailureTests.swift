import HTTP
import XCTest

/// Requests that get no response: each fails with its kind and a message naming the method and URL only.
final class HTTPClientFailureTests: XCTestCase {
    private var server: HTTPTestServer!

    override func setUpWithError() throws {
        server = try HTTPTestServer()
    }

    override func tearDown() {
        server.stop()
    }

    private func withClient<T>(_ configuration: HTTPClientConfiguration,
                               _ body: (HTTPClient) async throws -> T) async throws -> T {
        let client = HTTPClient(configuration: configuration)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    private var trusting: HTTPClientConfiguration {
        get throws { HTTPClientConfiguration(caFile: try HTTPTestServer.caFile) }
    }

    func testServerNotSignedByATrustedCAFailsWithTLS() async throws {
        // No caFile: the system store, which does not hold the test CA.
        let error = try await withClient(HTTPClientConfiguration()) { client in
            await httpError { try await client.send(HTTPRequest(url: self.server.url("/echo"))) }
        }
        XCTAssertEqual(error?.kind, .tls)
        XCTAssertEqual(error?.message.hasPrefix("GET https://127.0.0.1:\(server.port)/echo: TLS failed"), true, error?.message ?? "")
    }

    func testCertificateForAnotherHostFailsWithTLS() async throws {
        // Trusted CA, but the certificate names localhost and 127.0.0.1 only.
        let error = try await withClient(try trusting) { client in
            await httpError { try await client.send(HTTPRequest(url: "https://127.0.0.2:\(self.server.port)/echo")) }
        }
        XCTAssertTrue([.tls, .connect].contains(error?.kind), "\(String(describing: error))")
    }

    func testRefusedConnectionFailsWithConnect() async throws {
        let port = try HTTPTestServer.closedPort()
        let error = try await withClient(try trusting) { client in
            await httpError { try await client.send(HTTPRequest(method: .post, url: "https://127.0.0.1:\(port)/x")) }
        }
        XCTAssertEqual(error?.kind, .connect)
        XCTAssertEqual(error?.message.hasPrefix("POST https://127.0.0.1:\(port)/x: could not connect"), true, error?.message ?? "")
    }

    func testSlowResponseFailsWithTimeout() async throws {
        var configuration = try trusting
        configuration.timeout = .milliseconds(300)
        let error = try await withClient(configuration) { client in
            await httpError { try await client.send(HTTPRequest(url: self.server.url("/slow?seconds=20"))) }
        }
        XCTAssertEqual(error?.kind, .timeout)
    }

    func testAnnouncedBodyOverTheCapFailsWithResponseTooLarge() async throws {
        var configuration = try trusting
        configuration.maxResponseBytes = 1000
        let error = try await withClient(configuration) { client in
            await httpError { try await client.send(HTTPRequest(url: self.server.url("/bytes?n=1001"))) }
        }
        XCTAssertEqual(error?.kind, .responseTooLarge)
        XCTAssertEqual(error?.message, "GET https://127.0.0.1:\(server.port)/bytes: response body over the 1000-byte limit (maxResponseBytes); transfer stopped")
    }

    func testStreamedBodyOverTheCapFailsWithResponseTooLarge() async throws {
        var configuration = try trusting
        configuration.maxResponseBytes = 100_000
        let (error, after) = try await withClient(configuration) { client in
            let error = await httpError { try await client.send(HTTPRequest(url: self.server.url("/bytes?n=5000000&chunked=1"))) }
            // The aborted transfer leaves the client usable.
            let after = try await client.send(HTTPRequest(url: self.server.url("/status/200")))
            return (error, after)
        }
        XCTAssertEqual(error?.kind, .responseTooLarge)
        XCTAssertEqual(after.status, 200)
    }

    func testURLsThatAreNotHTTPFailWithInvalidURL() async throws {
        for url in ["ftp://127.0.0.1/file", "file:///etc/passwd", "127.0.0.1/echo", "", "https://exa mple.com/"] {
            let error = try await withClient(try trusting) { client in
                await httpError { try await client.send(HTTPRequest(url: url)) }
            }
            XCTAssertEqual(error?.kind, .invalidURL, "\(url): \(String(describing: error))")
        }
    }

    func testHeaderWithLineBreakIsRefusedNotSent() async throws {
        let error = try await withClient(try trusting) { client in
            await httpError { try await client.send(HTTPRequest(url: self.server.url("/echo"), headers: ["X-Evil": "a\r\nX-Injected: b"])) }
        }
        XCTAssertEqual(error?.kind, .transport)
        XCTAssertEqual(error?.message.contains("X-Injected"), false)
    }

    func testErrorsNeverShowQueryCredentialsHeadersOrBody() async throws {
        let secrets = ["SECRET-QUERY", "SECRET-FRAGMENT", "SECRET-PASSWORD", "SECRET-BEARER", "SECRET-BODY"]
        func request(_ base: String) -> HTTPRequest {
            HTTPRequest(method: .post, url: base.replacingOccurrences(of: "://", with: "://user:SECRET-PASSWORD@")
                            + "/bytes?n=5000&access_token=SECRET-QUERY#SECRET-FRAGMENT",
                        headers: ["Authorization": "Bearer SECRET-BEARER"], body: Array("SECRET-BODY".utf8))
        }
        var errors: [HTTPClientError?] = []
        let port = try HTTPTestServer.closedPort()
        errors.append(try await withClient(try trusting) { client in
            await httpError { try await client.send(request("https://127.0.0.1:\(port)")) }
        })
        errors.append(try await withClient(HTTPClientConfiguration()) { client in
            await httpError { try await client.send(request("https://127.0.0.1:\(self.server.port)")) }
        })
        var small = try trusting
        small.maxResponseBytes = 10
        errors.append(try await withClient(small) { client in
            await httpError { try await client.send(request("https://127.0.0.1:\(self.server.port)")) }
        })
        var quick = try trusting
        quick.timeout = .milliseconds(200)
        errors.append(try await withClient(quick) { client in
            await httpError {
                var slow = request("https://127.0.0.1:\(self.server.port)")
                slow.url = slow.url.replacingOccurrences(of: "/bytes?n=5000", with: "/slow?seconds=20")
                return try await client.send(slow)
            }
        })
        let closed = HTTPClient(configuration: try trusting)
        await closed.shutdown()
        errors.append(await httpError { try await closed.send(request("https://127.0.0.1:\(self.server.port)")) })

        XCTAssertEqual(errors.map { $0?.kind }, [.connect, .tls, .responseTooLarge, .timeout, .closed])
        for error in errors.compactMap({ $0 }) {
            for text in [error.message, error.description, "\(error)", String(reflecting: error)] {
                for secret in secrets { XCTAssertFalse(text.contains(secret), "\(secret) in: \(text)") }
                XCTAssertFalse(text.contains("?"), "query string in: \(text)")
                XCTAssertTrue(text.contains("POST https://127.0.0.1:"), text)
            }
        }
    }

    func testSendAfterShutdownFailsWithClosed() async throws {
        let client = HTTPClient(configuration: try trusting)
        let status = try await client.send(HTTPRequest(url: server.url("/status/200"))).status
        XCTAssertEqual(status, 200)
        await client.shutdown()
        let error = await httpError { try await client.send(HTTPRequest(url: self.server.url("/status/200"))) }
        XCTAssertEqual(error?.kind, .closed)
        await client.shutdown()  // again: returns at once
    }
}
