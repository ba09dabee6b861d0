/// One request: the client adds `Host`, `User-Agent` (unless given), `Content-Length`, and nothing else of
/// its own (no `Content-Type` unless given, no `Expect: 100-continue`).
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// An absolute `http://` or `https://` URL, query string included (already percent-encoded).
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}
