import HTTP
import XCTest

final class HTTPClientConfigurationTests: XCTestCase {
    func testDefaultsArePHPs() {
        let configuration = HTTPClientConfiguration()
        XCTAssertEqual(configuration.connectTimeout, .seconds(10))
        XCTAssertEqual(configuration.timeout, .seconds(30))
        XCTAssertNil(configuration.caFile)
        XCTAssertEqual(configuration.maxResponseBytes, 64 << 20)
        XCTAssertEqual(configuration.maxConnections, 8)
        XCTAssertEqual(configuration.userAgent, "Shuttle")
        XCTAssertEqual(HTTPClientConfiguration.fromEnvironment([:]).timeout, .seconds(30))
    }

    func testEnvironmentSetsCAFileTimeoutsAndConnections() {
        let configuration = HTTPClientConfiguration.fromEnvironment([
            "SHUTTLE_HTTP_CA_FILE": "/tls/ca.pem", "SSL_CERT_FILE": "/etc/other.pem",
            "SHUTTLE_HTTP_TIMEOUT": "2.5", "SHUTTLE_HTTP_CONNECT_TIMEOUT": "3", "SHUTTLE_HTTP_MAX_CONNECTIONS": "64",
        ])
        XCTAssertEqual(configuration.caFile, "/tls/ca.pem", "Shuttle's own setting wins over OpenSSL's")
        XCTAssertEqual(configuration.timeout, .milliseconds(2500))
        XCTAssertEqual(configuration.connectTimeout, .seconds(3))
        XCTAssertEqual(configuration.maxConnections, 64)
        XCTAssertEqual(HTTPClientConfiguration.fromEnvironment(["SSL_CERT_FILE": "/etc/other.pem"]).caFile, "/etc/other.pem")
        XCTAssertEqual(HTTPClientConfiguration.fromEnvironment(["SHUTTLE_HTTP_CA_FILE": "", "SSL_CERT_FILE": "/b"]).caFile, "/b")
    }

    func testUnreadableValuesKeepTheDefaults() {
        let configuration = HTTPClientConfiguration.fromEnvironment([
            "SHUTTLE_HTTP_TIMEOUT": "soon", "SHUTTLE_HTTP_CONNECT_TIMEOUT": "-1", "SHUTTLE_HTTP_MAX_CONNECTIONS": "0",
        ])
        XCTAssertEqual(configuration.timeout, .seconds(30))
        XCTAssertEqual(configuration.connectTimeout, .seconds(10))
        XCTAssertEqual(configuration.maxConnections, 8)
    }
}
