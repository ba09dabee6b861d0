/// Where and how to connect. Mirrors what Laravel's `database.redis.<conn>` config holds (spec §1.3, §1.4).
public struct RedisConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// When set, connect over this unix socket instead of TCP (`host`/`port` are ignored).
    public var unixSocketPath: String?
    /// ACL user (Redis 6+); with `nil`, AUTH sends the password alone (the `default` user).
    public var username: String?
    public var password: String?
    /// Selected right after connecting, and again after every reconnect.
    public var database: Int
    public var connectTimeout: Duration
    /// Longest wait for a reply; `nil` waits forever. Blocking commands get their own, longer limit.
    public var commandTimeout: Duration?
    /// Prepended to every key argument, never to values — phpredis `OPT_PREFIX` semantics (spec §1.3).
    public var keyPrefix: String
    public var reconnectBackoff: ReconnectBackoff

    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        unixSocketPath: String? = nil,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration? = .seconds(30),
        keyPrefix: String = "",
        reconnectBackoff: ReconnectBackoff = ReconnectBackoff()
    ) {
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.keyPrefix = keyPrefix
        self.reconnectBackoff = reconnectBackoff
    }

    /// Human-readable endpoint for error messages.
    public var endpoint: String {
        if let unixSocketPath { return "unix:\(unixSocketPath)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
