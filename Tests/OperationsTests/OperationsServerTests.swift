import ShuttleMetrics
import ShuttleOperations
import TestSupport
import XCTest

/// The GET-only server: routes, 404, 405, a port picked by the kernel, and the integrations' counters on /metrics.
final class OperationsServerTests: XCTestCase {
    func testRoutesAndErrors() throws {
        let server = try OperationsServer(address: ListenAddress(port: 0)) { path in
            path == "/hello" ? .text(200, "hi\n") : nil
        }
        server.start()
        defer { server.stop() }
        XCTAssertGreaterThan(server.port, 0)
        let ok = try HTTPGet.get(port: server.port, "/hello?x=1")
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(ok.body, "hi\n")
        XCTAssertTrue(ok.headers.contains("Content-Length: 3"))
        XCTAssertEqual(try HTTPGet.get(port: server.port, "/other").status, 404)
        XCTAssertEqual(try HTTPGet.get(port: server.port, "/hello", method: "DELETE").status, 405)
    }

    func testStopClosesThePort() throws {
        let server = try OperationsServer(address: ListenAddress(port: 0)) { _ in .text(200, "") }
        server.start()
        let port = server.port
        XCTAssertEqual(try HTTPGet.get(port: port, "/").status, 200)
        server.stop()
        XCTAssertThrowsError(try HTTPGet.get(port: port, "/"))
    }

    func testATakenPortFailsAtStart() throws {
        let first = try OperationsServer(address: ListenAddress(port: 0)) { _ in nil }
        defer { first.stop() }
        XCTAssertThrowsError(try OperationsServer(address: ListenAddress(port: first.port)) { _ in nil })
    }

    func testListenAddresses() throws {
        XCTAssertEqual(try ListenAddress(parsing: "9100"), ListenAddress(host: "127.0.0.1", port: 9100))
        XCTAssertEqual(try ListenAddress(parsing: ":9100"), ListenAddress(host: "127.0.0.1", port: 9100))
        XCTAssertEqual(try ListenAddress(parsing: "0.0.0.0:9100"), ListenAddress(host: "0.0.0.0", port: 9100))
        XCTAssertEqual(try ListenAddress(parsing: "localhost:1"), ListenAddress(host: "127.0.0.1", port: 1))
        XCTAssertThrowsError(try ListenAddress(parsing: "example.com:9100"))
        XCTAssertThrowsError(try ListenAddress(parsing: "127.0.0.1:70000"))
    }

    /// What an integration increments shows on the process's registry with its labels. Its own label: the registry
    /// is the process's, and other suites (Monzo's fetch tests) count real calls on it.
    func testIntegrationCountersReachTheRegistry() {
        OperationsEndpoints.bootstrap()
        IntegrationMetrics.apiCall(integration: "CounterProbe", status: 200)
        IntegrationMetrics.apiCall(integration: "CounterProbe", status: 200)
        IntegrationMetrics.apiCall(integration: "CounterProbe", status: nil)
        IntegrationMetrics.tokenRefresh(integration: "CounterProbe", succeeded: false)
        let text = OperationsEndpoints.registry.emitToString()
        XCTAssertTrue(text.contains(#"shuttle_integration_api_calls_total{integration="CounterProbe",status="200"} 2"#), text)
        XCTAssertTrue(text.contains(#"shuttle_integration_api_calls_total{integration="CounterProbe",status="error"} 1"#), text)
        XCTAssertTrue(text.contains(#"shuttle_integration_token_refreshes_total{integration="CounterProbe",outcome="failed"} 1"#), text)
    }
}
