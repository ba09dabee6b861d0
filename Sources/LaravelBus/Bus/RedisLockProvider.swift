import Redis
import LaravelQueue
import PHPFormats
import PHPSerialization

/// The locks of Laravel's `RedisStore` (`Illuminate\Cache\RedisLock`): `SET key owner EX n NX`, owner-checked
/// release by Lua, forced release by `DEL`, on the store's lock connection (spec §7.1).
public struct RedisLockProvider: LockProvider {
    let redis: RedisConnection
    /// The cache store's prefix with its version's separator (`CacheConfiguration.redisStorePrefix`);
    /// the connection applies the Redis prefix itself.
    public let prefix: String

    /// - Parameter redis: the store's `lock_connection` (skeleton: `default`), not the `cache` connection.
    public init(redis: RedisConnection, prefix: String) {
        self.redis = redis
        self.prefix = prefix
    }

    static let releaseScript = RedisScript("""
        if redis.call("get",KEYS[1]) == ARGV[1] then
            return redis.call("del",KEYS[1])
        else
            return 0
        end
        """)

    public func acquire(_ name: String, owner: String, seconds: Int) async throws -> Bool {
        let reply: RESPValue
        if seconds > 0 {
            reply = try await redis.send(RedisCommand("SET", [
                .key(prefix + name), .value(owner), .value("EX"), .value(String(seconds)), .value("NX"),
            ]))
        } else {
            reply = try await redis.send(RedisCommand("SETNX", [.key(prefix + name), .value(owner)]))
        }
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply != .null && reply.int != 0
    }

    public func release(_ name: String, owner: String) async throws -> Bool {
        let reply = try await redis.evaluate(Self.releaseScript, keys: [prefix + name], arguments: [.value(owner)])
        return (reply.int ?? 0) > 0
    }

    public func forceRelease(_ name: String) async throws {
        _ = try await redis.send(RedisCommand("DEL", [.key(prefix + name)]))
    }

    public func owner(of name: String) async throws -> String? {
        try await redis.send(RedisCommand("GET", [.key(prefix + name)])).bytes.map { String(decoding: $0, as: UTF8.self) }
    }
}
