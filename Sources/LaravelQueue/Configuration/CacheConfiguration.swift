import PHPFormats
/// The app's default cache store, where `queue:restart` (and `queue:pause`, `maxExceptions` counters)
/// leave their keys (§6.4, §6.8). Shuttle only sees them if the store is shared: `redis`, `database`, or `file` on the same host.
public struct CacheConfiguration: Equatable, Sendable {
    /// Store name: `CACHE_STORE` (Laravel 11+) or `CACHE_DRIVER` (8 – 10). The skeleton names stores after
    /// their drivers (`file`, `database`, `redis`, …).
    public var store: String
    /// `cache.prefix` (`CACHE_PREFIX`, else derived from `APP_NAME`).
    public var prefix: String
    /// Laravel 8 – 10's `RedisStore` puts `:` after a non-empty prefix; 11+ uses the prefix as is.
    public var redisSeparatesPrefix: Bool
    /// The `cache` Redis connection (`REDIS_CACHE_CONNECTION`, 11+), used when `store` is `redis`.
    public var redisConnection: RedisConnectionConfiguration
    /// Lock connection of the redis store (`REDIS_CACHE_LOCK_CONNECTION`, default `default`): unique-job locks.
    public var redisLockConnection: RedisConnectionConfiguration
    /// `cache` table (`DB_CACHE_TABLE`, 11+) on `DB_CACHE_CONNECTION` (11+; `nil` = default connection).
    public var databaseTable: String
    public var databaseConnection: String?
    /// `SHUTTLE_STORAGE_PATH`: the app's `storage_path()`, for the `file` store; nil = `<app root>/storage`.
    public var storagePath: String? = nil

    /// `storage_path('framework/cache/data')`: under `storagePath`, else the app root's (the `.env` file's
    /// directory) `storage`, else `./storage`.
    public func fileCacheDirectory(appRoot: String?) -> String {
        storageDirectory(appRoot: appRoot) + "/framework/cache/data"
    }

    /// `storage_path()`: `storagePath`, else the app root's `storage`, else `./storage`.
    public func storageDirectory(appRoot: String?) -> String {
        storagePath ?? ((appRoot.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "./") + "storage")
    }

    /// The key part `RedisStore` adds before a cache key (the connection prefix comes on top).
    public var redisStorePrefix: String {
        guard redisSeparatesPrefix else { return prefix }
        return EnvValue.string(prefix).isPHPEmpty ? "" : prefix + ":"
    }

    /// The full Redis key of cache `key` (e.g. `illuminate:queue:restart`), connection prefix included.
    public func redisKey(_ key: String) -> String {
        redisConnection.prefix + redisStorePrefix + key
    }

    /// The `key` column `DatabaseStore` uses: cache prefix + key, no separator.
    public func databaseKey(_ key: String) -> String { prefix + key }

    static func resolve(
        from env: LaravelEnvironment,
        version: LaravelVersion,
        style: PrefixStyle,
        appName: String,
        redisPrefix: String
    ) throws(ConfigurationError) -> CacheConfiguration {
        let modern = version.major >= 11
        let store = modern
            ? env.string("CACHE_STORE", default: "database") ?? ""
            : env.string("CACHE_DRIVER", default: "file") ?? ""
        let connectionName = modern ? env.string("REDIS_CACHE_CONNECTION", default: "cache") ?? "" : "cache"
        let lockName = modern ? env.string("REDIS_CACHE_LOCK_CONNECTION", default: "default") ?? "" : "default"
        return CacheConfiguration(
            store: store,
            prefix: env.string("CACHE_PREFIX", default: style.cachePrefix(appName: appName, version: version)) ?? "",
            redisSeparatesPrefix: !modern,
            redisConnection: try .resolve(connectionName, from: env, version: version, prefix: redisPrefix),
            redisLockConnection: try .resolve(lockName, from: env, version: version, prefix: redisPrefix),
            databaseTable: modern ? env.string("DB_CACHE_TABLE", default: "cache") ?? "cache" : "cache",
            databaseConnection: modern ? env.string("DB_CACHE_CONNECTION").flatMap { $0.isEmpty ? nil : $0 } : nil,
            storagePath: env.string("SHUTTLE_STORAGE_PATH").flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}
