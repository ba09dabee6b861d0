/// Everything the Redis client can fail with. Each case says whether the command may have run.
public enum RedisError: Error, CustomStringConvertible, Sendable, Hashable {
    /// Nothing listens at the endpoint (ECONNREFUSED, or a unix socket path that does not exist).
    case connectionRefused(String)
    /// The endpoint could not be reached: DNS failure, no route, other connect errors.
    case hostUnreachable(String)
    /// Connecting, or waiting for a reply, took longer than the configured timeout. After a reply
    /// timeout the connection is dropped (the late reply would desynchronise it); the command may have run.
    case timeout(String)
    /// The socket died while a command was in flight: it may or may not have run on the server, so it is
    /// not re-sent. The next command reconnects.
    case connectionLost(String)
    /// `close()` was called on this connection.
    case connectionClosed
    /// The server sent bytes hiredis cannot parse.
    case protocolError(String)
    /// The server's error reply text, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`.
    case server(String)
    /// AUTH was rejected; carries the server's text (`WRONGPASS …`, `ERR AUTH …`).
    case authenticationFailed(String)
    /// A `redis://` / `unix://` URL that cannot be used.
    case invalidURL(String)
    /// Reconnecting after a dropped connection failed `attempts` times in a row; `last` is the final failure.
    indirect case reconnectFailed(attempts: Int, last: RedisError)

    public var description: String {
        switch self {
        case .connectionRefused(let m): "Redis connection refused: \(m)"
        case .hostUnreachable(let m): "Redis host unreachable: \(m)"
        case .timeout(let m): "Redis timeout: \(m)"
        case .connectionLost(let m): "Redis connection lost: \(m)"
        case .connectionClosed: "Redis connection was closed by the client"
        case .protocolError(let m): "Redis protocol error: \(m)"
        case .server(let m): "Redis server error: \(m)"
        case .authenticationFailed(let m): "Redis authentication failed: \(m)"
        case .invalidURL(let m): "Invalid Redis URL: \(m)"
        case .reconnectFailed(let n, let last): "Redis reconnect gave up after \(n) attempt(s): \(last)"
        }
    }

    /// Failures worth retrying a connect for (network trouble), as opposed to refused credentials.
    var isTransient: Bool {
        switch self {
        case .connectionRefused, .hostUnreachable, .timeout, .connectionLost, .protocolError: true
        default: false
        }
    }
}
