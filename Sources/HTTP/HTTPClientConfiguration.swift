/// An `HTTPClient`'s limits and trust. The timeouts are PHP's (Guzzle through Laravel's `Http`): connect 10 s,
/// whole request 30 s. TLS verification is always on; there is deliberately no setting to turn it off — a test
/// server gets a private CA trusted through `caFile` instead.
public struct HTTPClientConfiguration: Sendable {
    /// Longest wait for the TCP and TLS connection.
    public var connectTimeout: Duration
    /// Longest a whole request may take, connecting included.
    public var timeout: Duration
    /// A PEM bundle to trust instead of the system store.
    public var caFile: String?
    /// A response body over this many bytes fails with `.responseTooLarge` rather than filling memory.
    public var maxResponseBytes: Int
    /// Requests in flight at once, each on its own thread with its own kept-alive connections; more wait.
    public var maxConnections: Int
    public var userAgent: String

    public init(connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(30), caFile: String? = nil,
                maxResponseBytes: Int = 64 << 20, maxConnections: Int = 8, userAgent: String = "Shuttle") {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.caFile = caFile
        self.maxResponseBytes = maxResponseBytes
        self.maxConnections = maxConnections
        self.userAgent = userAgent
    }

    /// The defaults, changed by: `SHUTTLE_HTTP_CA_FILE`, else `SSL_CERT_FILE` (OpenSSL's own variable) → `caFile`;
    /// `SHUTTLE_HTTP_TIMEOUT`, `SHUTTLE_HTTP_CONNECT_TIMEOUT` (seconds, fractions allowed);
    /// `SHUTTLE_HTTP_MAX_CONNECTIONS`. An empty, unreadable or non-positive value keeps the default.
    public static func fromEnvironment(_ variables: [String: String]) -> HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration()
        if let file = nonEmpty(variables["SHUTTLE_HTTP_CA_FILE"]) ?? nonEmpty(variables["SSL_CERT_FILE"]) {
            configuration.caFile = file
        }
        if let seconds = seconds(variables["SHUTTLE_HTTP_TIMEOUT"]) { configuration.timeout = seconds }
        if let seconds = seconds(variables["SHUTTLE_HTTP_CONNECT_TIMEOUT"]) { configuration.connectTimeout = seconds }
        if let text = nonEmpty(variables["SHUTTLE_HTTP_MAX_CONNECTIONS"]), let count = Int(text), count >= 1 {
            configuration.maxConnections = count
        }
        return configuration
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    private static func seconds(_ value: String?) -> Duration? {
        guard let text = nonEmpty(value), let seconds = Double(text), seconds.isFinite, seconds > 0 else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a sub-millisecond timeout never becomes 0 (which libcurl reads as "none").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int(max(milliseconds, 1))
    }
}
