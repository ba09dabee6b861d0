import HTTP
import XCTest

/// Connections kept alive and shared, a bounded number of transfer threads, and a cooperative pool left free.
final class HTTPClientConcurrencyTests: XCTestCase {
    private var server: HTTPTestServer!

    override func setUpWithError() throws {
        server = try HTTPTestServer()
    }

    override func tearDown() {
        server.stop()
    }

    private func configuration(connections: Int) throws -> HTTPClientConfiguration {
        HTTPClientConfiguration(caFile: try HTTPTestServer.caFile, maxConnections: connections)
    }

    private func stats(_ client: HTTPClient) async throws -> (connections: Int, maxInFlight: Int) {
        let response = try await client.send(HTTPRequest(url: server.url("/stats")))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Int])
        return (try XCTUnwrap(object["connections"]), try XCTUnwrap(object["max_in_flight"]))
    }

    func testSequentialRequestsReuseOneConnection() async throws {
        let client = HTTPClient(configuration: try configuration(connections: 1))
        for index in 0..<10 {
            let method: HTTPMethod = index.isMultiple(of: 2) ? .get : .post
            let response = try await client.send(HTTPRequest(method: method, url: server.url("/echo?i=\(index)"), body: Array("\(index)".utf8)))
            XCTAssertEqual(response.status, 200)
        }
        _ = try await client.send(HTTPRequest(url: server.url("/status/404")))
        let (connections, _) = try await stats(client)
        await client.shutdown()
        XCTAssertEqual(connections, 1, "12 requests over one kept-alive TLS connection")
    }

    func testManyRequestsAtOnceAllCompleteOverBoundedConnections() async throws {
        let client = HTTPClient(configuration: try configuration(connections: 4))
        let echo = server.url("/echo")
        let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<32 {
                group.addTask {
                    let response = try await client.send(HTTPRequest(method: .post, url: echo,
                                                                     body: Array("request \(index)".utf8)))
                    return (index, try Echo(response).body)
                }
            }
            var bodies: [Int: String] = [:]
            for try await (index, body) in group { bodies[index] = body }
            return bodies
        }
        let (connections, maxInFlight) = try await stats(client)
        await client.shutdown()
        XCTAssertEqual(bodies.count, 32)
        for (index, body) in bodies { XCTAssertEqual(body, "request \(index)") }
        XCTAssertLessThanOrEqual(maxInFlight, 4, "at most maxConnections requests in flight")
        XCTAssertLessThanOrEqual(connections, 4, "each transfer thread keeps its connection alive")
        XCTAssertGreaterThanOrEqual(connections, 1)
    }

    /// Four transfers block in `/hold` (more than the cooperative pool's threads here); tasks on the pool still
    /// run to completion meanwhile, and the held transfers complete once released.
    func testBlockedTransfersLeaveTheCooperativePoolFree() async throws {
        let client = HTTPClient(configuration: try configuration(connections: 4))
        let control = HTTPClient(configuration: try configuration(connections: 1))
        let hold = server.url("/hold")
        let held = (0..<4).map { _ in Task { try await client.send(HTTPRequest(url: hold)) } }
        try await waitUntilHeld(4, server: server, control: control)

        let sum = await withTaskGroup(of: Int.self) { group in
            for index in 1...200 {
                group.addTask {
                    await Task.yield()
                    return index
                }
            }
            return await group.reduce(0, +)
        }
        XCTAssertEqual(sum, 20_100)
        let stillHeld = try await control.send(HTTPRequest(url: server.url("/held"))).text
        XCTAssertEqual(stillHeld, "4", "the pool's work finished while all four transfers were still blocked")

        _ = try await control.send(HTTPRequest(url: server.url("/release")))
        for task in held {
            let response = try await task.value
            XCTAssertEqual(response.text, "released")
        }
        await client.shutdown()
        await control.shutdown()
    }

    func testShutdownWaitsForTransfersInFlight() async throws {
        let client = HTTPClient(configuration: try configuration(connections: 2))
        let control = HTTPClient(configuration: try configuration(connections: 1))
        let hold = server.url("/hold")
        let inFlight = Task { try await client.send(HTTPRequest(url: hold)) }
        try await waitUntilHeld(1, server: server, control: control)
        let shutdown = Task { await client.shutdown() }
        _ = try await control.send(HTTPRequest(url: server.url("/release")))
        await shutdown.value
        let response = try await inFlight.value
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "released", "the request in flight completed rather than being cut off")
        let error = await httpError { try await client.send(HTTPRequest(url: self.server.url("/status/200"))) }
        XCTAssertEqual(error?.kind, .closed)
        await control.shutdown()
    }

    func testCancellingTheCallerAbortsTheTransfer() async throws {
        let client = HTTPClient(configuration: try configuration(connections: 1))
        let control = HTTPClient(configuration: try configuration(connections: 1))
        let hold = server.url("/hold")
        let waiting = Task { try await client.send(HTTPRequest(url: hold)) }
        try await waitUntilHeld(1, server: server, control: control)
        waiting.cancel()
        do {
            let response = try await waiting.value
            XCTFail("a cancelled request returned status \(response.status)")
        } catch is CancellationError {
        }
        // The thread is free again (its only one): the next request goes through.
        let status = try await client.send(HTTPRequest(url: server.url("/status/200"))).status
        XCTAssertEqual(status, 200)
        _ = try await control.send(HTTPRequest(url: server.url("/release")))
        await client.shutdown()
        await control.shutdown()
    }
}
