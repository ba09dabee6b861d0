/// Why a request got no response. The message names the method and the URL without its query string or
/// credentials, never a header or body: those carry tokens, and this error ends up in logs and `failed_jobs`.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Not an absolute http(s) URL.
        case invalidURL
        /// The host could not be resolved or refused the connection.
        case connect
        /// The connect or total timeout passed.
        case timeout
        /// The TLS handshake failed, or the server's certificate is not trusted or not for that host.
        case tls
        /// The body is over `maxResponseBytes`; the transfer was stopped there.
        case responseTooLarge
        /// Sent after `shutdown()`.
        case closed
        /// Anything else on the way (a connection dropped mid-response, a malformed response…).
        case transport
    }

    public let kind: Kind
    public let message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
