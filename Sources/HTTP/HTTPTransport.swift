/// What sends requests: `HTTPClient`, or a stand-in a test wraps around it.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
