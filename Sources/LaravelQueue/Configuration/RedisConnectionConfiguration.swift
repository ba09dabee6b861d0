#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats

/// One entry of `database.redis` as plain values (the Redis client module maps it to its own type).
///
/// Laravel builds `default` and `cache` from the same variables, differing only in the database number
/// (`REDIS_DB` vs `REDIS_CACHE_DB`); `REDIS_URL` applies to both and its components win.
public struct RedisConnectionConfiguration: Equatable, Sendable {
    /// The connection's name in `database.redis` (`default`, `cache`, or `horizon`).
    public var name: String
    /// Host name, IP address, or a Unix socket path (starting with `/`).
    public var host: String
    public var port: Int
    /// Only sent from Laravel 9 on (Laravel 8's connector ignores it).
    public var username: String?
    /// `nil` when Laravel would skip AUTH (its check is PHP `empty()`, so `""` and `"0"` skip too).
    public var password: String?
    /// Database number for `SELECT` (`null` in the config means no SELECT, i.e. 0).
    public var database: Int
    /// `rediss://` / `tls://` URL schemes.
    public var tls: Bool
    /// Key prefix the PHP client prepends to every key (§1.3): Shuttle must prepend it itself.
    public var prefix: String

    public init(name: String, host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0, tls: Bool = false, prefix: String = "") {
        self.name = name
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.prefix = prefix
    }

    /// The skeleton's `database.redis.<name>` for `default` (`REDIS_DB`, 0) or `cache` (`REDIS_CACHE_DB`, 1).
    public static func resolve(
        _ name: String,
        from env: LaravelEnvironment,
        version: LaravelVersion,
        prefix: String
    ) throws(ConfigurationError) -> RedisConnectionConfiguration {
        let databaseVariable: String, defaultDatabase: Int
        switch name {
        case "default": (databaseVariable, defaultDatabase) = ("REDIS_DB", 0)
        case "cache": (databaseVariable, defaultDatabase) = ("REDIS_CACHE_DB", 1)
        default:
            throw ConfigurationError("Redis connection \(ConfigurationError.quoted(name)) is not in the skeleton's config/database.php (only \"default\" and \"cache\" are)")
        }
        var connection = RedisConnectionConfiguration(name: name, prefix: prefix)
        connection.host = env.string("REDIS_HOST", default: "127.0.0.1") ?? "127.0.0.1"
        connection.port = try env.port("REDIS_PORT", default: 6379)
        connection.username = version.major >= 9 ? env.string("REDIS_USERNAME").flatMap { $0.isEmpty ? nil : $0 } : nil
        connection.password = env.value("REDIS_PASSWORD").flatMap { $0.isPHPEmpty ? nil : $0.phpString }
        connection.database = try databaseNumber(databaseVariable, from: env, default: defaultDatabase)
        if let url = env.string("REDIS_URL"), !url.isEmpty {
            try connection.apply(url: url, variable: "REDIS_URL")
        }
        return connection
    }

    /// `REDIS_DB`-style numbers: absent → default; `null` → no SELECT (0); empty → `(int) ""` = 0.
    static func databaseNumber(_ name: String, from env: LaravelEnvironment, default defaultValue: Int) throws(ConfigurationError) -> Int {
        guard let raw = env[name] else { return defaultValue }
        let text = EnvValue(casting: raw).phpString
        if text.isEmpty { return 0 }
        guard let number = Int(text), number >= 0 else { throw .invalid(name, raw, "is not a Redis database number") }
        return number
    }

    /// Laravel's `ConfigurationUrlParser` for Redis: scheme, user, password, host, port and `/db` from the
    /// URL override the separate variables; `?database=` / `?username=` / `?password=` override those.
    mutating func apply(url text: String, variable: String) throws(ConfigurationError) {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            throw .invalid(variable, text, "is not a Redis URL (redis://[user:password@]host[:port][/database])")
        }
        switch scheme {
        case "redis", "tcp": tls = false
        case "rediss", "tls": tls = true
        default: throw .invalid(variable, text, "has an unsupported scheme (use redis://, rediss://, tcp:// or tls://)")
        }
        if let host = url.host, !host.isEmpty { self.host = host }
        if let port = url.port {
            guard (0...65535).contains(port) else { throw .invalid(variable, text, "has an invalid port") }
            self.port = port
        }
        if let user = url.user, !user.isEmpty { username = user }
        if let password = url.password { self.password = password.isEmpty || password == "0" ? nil : password }
        let path = url.path
        if path.count > 1 {
            guard let number = Int(path.dropFirst()), number >= 0 else {
                throw .invalid(variable, text, "has a path that is not a database number")
            }
            database = number
        }
        for item in url.queryItems ?? [] {
            guard let value = item.value else { continue }
            switch item.name {
            case "database":
                guard let number = Int(value), number >= 0 else { throw .invalid(variable, text, "has a database that is not a number") }
                database = number
            case "username": username = value.isEmpty ? nil : value
            case "password": password = value.isEmpty || value == "0" ? nil : value
            default: continue
            }
        }
    }
}
