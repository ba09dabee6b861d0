import PHPSerialization
import Redis
import PHPFormats

/// Laravel's `RedisStore` on the app's `cache` Redis connection (spec §6.8).
///
/// Full key = client prefix (applied by the connection, like phpredis) + cache prefix + key; the cache
/// prefix carries its own `:` in Laravel 8–10. Numbers are stored bare, everything else PHP-serialized.
public struct RedisCacheStore: AddingCacheStore {
    let redis: RedisConnection
    /// `cache.prefix`, with the version's separator already appended (`laravel_cache:` in v8–v10).
    public let prefix: String

    public init(redis: RedisConnection, prefix: String) {
        self.redis = redis
        self.prefix = prefix
    }

    public func get(_ key: String) async throws -> PHPValue? {
        guard let bytes = try await redis.send(RedisCommand("GET", [.key(prefix + key)])).bytes else { return nil }
        return Self.decode(bytes)
    }

    @discardableResult
    public func put(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool {
        try await redis.send(RedisCommand("SETEX", [.key(prefix + key), .value(String(max(1, seconds))), .value(Self.encode(value))])) == .simpleString("OK")
    }

    @discardableResult
    public func forever(_ key: String, _ value: PHPValue) async throws -> Bool {
        try await redis.send(RedisCommand("SET", [.key(prefix + key), .value(Self.encode(value))])) == .simpleString("OK")
    }

    /// `RedisStore::add`: Laravel's own Lua script (SETEX only when the key does not exist).
    @discardableResult
    public func add(_ key: String, _ value: PHPValue, seconds: Int) async throws -> Bool {
        let reply = try await redis.evaluate(Self.addScript, keys: [prefix + key],
                                             arguments: [Self.encode(value), Array(String(max(1, seconds)).utf8)])
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply != .null && reply.int != 0
    }

    static let addScript = RedisScript("return redis.call('exists',KEYS[1])<1 and redis.call('setex',KEYS[1],ARGV[2],ARGV[1])")

    public func increment(_ key: String, by amount: Int) async throws -> Int? {
        try await redis.send(RedisCommand("INCRBY", [.key(prefix + key), .value(String(amount))])).int
    }

    public func forget(_ key: String) async throws -> Bool {
        (try await redis.send(RedisCommand("DEL", [.key(prefix + key)])).int ?? 0) > 0
    }

    /// Laravel's `serialize()` of the store: numeric values bare, others through PHP's serialize.
    static func encode(_ value: PHPValue) -> [UInt8] {
        switch value {
        case .int(let i): return Array(String(i).utf8)
        case .double(let d) where d.isFinite: return Array(PHPFloatFormat.serialize(d).utf8)
        default: return PHPSerializer.serialize(value)
        }
    }

    /// Laravel's `unserialize()` of the store: numeric strings are numbers, the rest PHP-unserialized.
    static func decode(_ bytes: [UInt8]) -> PHPValue {
        let text = String(decoding: bytes, as: UTF8.self)
        if let i = Int(text) { return .int(i) }
        if let d = Double(text), d.isFinite, text.allSatisfy({ "0123456789.-+eE".contains($0) }) { return .double(d) }
        return (try? PHPUnserializer.unserialize(bytes)) ?? .string(bytes)
    }
}
