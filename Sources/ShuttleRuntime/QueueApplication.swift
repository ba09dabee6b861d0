import Database
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import Redis
import LaravelQueue
import PHPFormats
import PHPSerialization
import LaravelBus
import LaravelHorizon

/// The pieces a Laravel app's queue is made of, connected from its resolved configuration: the queue on
/// its Redis connection, the default cache store, the failed-job provider and the encrypter.
/// The CLI and the tests build workers and dispatchers from this one place.
public struct QueueApplication: Sendable {
    public let configuration: QueueConfiguration
    public let queue: RedisQueue
    /// The queue's Redis connection (also what the probe's record list and dispatch use).
    public let redis: RedisConnection
    public let cache: any CacheStore
    public let failer: (any FailedJobProvider)?
    public let database: (any SQLConnection)?
    public let encrypter: Encrypter?
    /// Unique locks, batches and chain targets for the PHP jobs Shuttle runs (spec §7).
    public let bus: BusServices
    public let logger: Logger
    /// Where the app's `storage/` is (file cache, maintenance mode).
    public let storagePath: String
    /// Horizon's per-job records (spec §8.3), when `configuration.horizon` is set.
    public let horizon: HorizonMiddleware?
    /// Every Redis connection opened here (queue, blocking pops, cache, locks, Horizon), for `close()`.
    private let redisConnections: [RedisConnection]

    /// Connects everything. Errors are one line, naming what could not be reached.
    /// - Parameter embeddedDatabase: the database is Shuttle's own (`make run`), not a Laravel app's: create
    ///   the tables Laravel's migrations would (an app's own database is left to its migrations).
    public static func connect(_ configuration: QueueConfiguration, appRoot: String? = nil, embeddedDatabase: Bool = false,
                               logger: Logger = Logger(label: "shuttle")) async throws -> QueueApplication {
        let c = configuration
        if c.redis.tls {
            throw ConfigurationError("REDIS_URL asks for TLS (rediss://), which Debian's hiredis 0.14 cannot speak; use a TLS tunnel (stunnel) to a plain port")
        }
        let redis = try await RedisConnection(configuration: redisConfiguration(c.redis))
        let blocking: RedisConnection? = c.blockFor == nil ? nil : try await RedisConnection(configuration: redisConfiguration(c.redis, blocking: true))
        let queue = RedisQueue(
            connectionName: c.connectionName, redis: redis, blockingRedis: blocking, defaultQueue: c.queue,
            retryAfter: c.retryAfter, blockFor: c.blockFor, migrationBatchSize: c.migrationBatchSize,
            laterUsesScript: c.version >= LaravelVersion(12, 45),
            clusterHashTags: false)

        var database: (any SQLConnection)? = nil
        func openDatabase() async throws -> any SQLConnection {
            if let database { return database }
            let dbConfig = try DatabaseConfiguration.fromEnvironment(c.environment.variables, appRoot: appRoot)
            let connection = try await dbConfig.connect()
            database = connection
            return connection
        }

        var redisConnections = [redis] + (blocking.map { [$0] } ?? [])
        let cache: any CacheStore
        var locks: (any LockProvider)? = nil
        switch c.cache.store {
        case "redis":
            let cacheRedis = try await RedisConnection(configuration: redisConfiguration(c.cache.redisConnection))
            cache = RedisCacheStore(redis: cacheRedis, prefix: c.cache.redisStorePrefix)
            redisConnections.append(cacheRedis)
            let lockRedis = c.cache.redisLockConnection == c.redis ? redis
                : try await RedisConnection(configuration: redisConfiguration(c.cache.redisLockConnection))
            if lockRedis !== redis { redisConnections.append(lockRedis) }
            locks = RedisLockProvider(redis: lockRedis, prefix: c.cache.redisStorePrefix)
        case "database":
            let connection = try await openDatabase()
            let store = DatabaseCacheStore(connection: connection, table: c.cache.databaseTable, prefix: c.cache.prefix)
            if embeddedDatabase { try await store.createTableIfMissing() }
            cache = store
            let lockProvider = DatabaseLockProvider(connection: connection, prefix: c.cache.prefix)
            if embeddedDatabase { try await lockProvider.createTableIfMissing() }
            locks = lockProvider
        case "file":
            // Shared with PHP only on this host, through the app's storage directory.
            let directory = c.cache.fileCacheDirectory(appRoot: appRoot)
            logger.info("file cache store", metadata: ["directory": "\(directory)"])
            cache = FileCacheStore(directory: directory)
        default:
            logger.notice("cache store is not shared with PHP: restart/pause signals and maxExceptions counters are local",
                          metadata: ["store": "\(c.cache.store)"])
            cache = NullCacheStore()
        }

        var failer: (any FailedJobProvider)? = nil
        switch c.failedJobs.driver {
        case "database-uuids", "database":
            let connection = try await openDatabase()
            let provider = DatabaseUuidFailedJobProvider(
                connection: connection, table: c.failedJobs.table,
                timeZone: ZoneInfo(identifier: c.app.timezone) ?? .utc)
            if embeddedDatabase { try await provider.createTableIfMissing() }
            failer = provider
        case "null":
            failer = nil
        default:
            throw ConfigurationError("QUEUE_FAILED_DRIVER=\(c.failedJobs.driver) is not supported (database-uuids, database or null)")
        }

        var encrypter: Encrypter? = nil
        if let key = c.app.key {
            encrypter = try Encrypter(appKey: key, cipher: c.app.cipher,
                                      previousKeys: c.app.previousKeys.isEmpty ? nil : c.app.previousKeys.joined(separator: ","))
        }
        // Batches live in the app's database; without one, batched jobs are run but not counted (and logged).
        let batches = (try? await openDatabase()).map { DatabaseBatchRepository(connection: $0) }
        if embeddedDatabase { try await batches?.createTableIfMissing() }
        let bus = BusServices(locks: locks, batches: batches, defaultConnection: c.connectionName,
                              connections: [c.connectionName: queue])
        var horizon: HorizonMiddleware? = nil
        if let h = c.horizon {
            let horizonRedis = try await RedisConnection(configuration: redisConfiguration(h.connection))
            redisConnections.append(horizonRedis)
            horizon = HorizonMiddleware(redis: horizonRedis, logger: logger)
        }
        return QueueApplication(configuration: c, queue: queue, redis: redis, cache: cache, failer: failer,
                                database: database, encrypter: encrypter, bus: bus, logger: logger,
                                storagePath: c.cache.storageDirectory(appRoot: appRoot), horizon: horizon,
                                redisConnections: redisConnections)
    }

    /// Closes the app's connections, last thing at exit: once the worker and the integrations are done with them.
    public func close() async {
        for connection in redisConnections { connection.close() }
        await database?.disconnect()
    }

    /// Maps Laravel's connection values onto the client's; a host starting with `/` is a Unix socket.
    public static func redisConfiguration(_ r: RedisConnectionConfiguration, blocking: Bool = false) -> RedisConfiguration {
        RedisConfiguration(
            host: r.host.hasPrefix("/") ? "127.0.0.1" : r.host, port: r.port,
            unixSocketPath: r.host.hasPrefix("/") ? r.host : nil,
            username: r.username, password: r.password, database: r.database,
            commandTimeout: blocking ? nil : .seconds(30), keyPrefix: r.prefix)
    }

    /// Dispatches jobs as this app would: encrypted with its key, and through Horizon when it runs Horizon.
    public var dispatcher: Dispatcher {
        Dispatcher(encrypter: encrypter, hook: horizon.map { HorizonProducer(redis: $0.redis, logger: logger) })
    }

    /// The worker services for this app: cache, failer, encrypter, the version's behaviour; Horizon's
    /// records after the given middleware when Horizon is enabled.
    public func workerServices(middleware: [any JobMiddleware] = []) -> WorkerServices {
        // The bus sits last, next to the handler (see BusMiddleware).
        let all = middleware + (horizon.map { [$0] } ?? []) + [BusMiddleware(bus: bus)]
        var services = WorkerServices(cache: cache, failer: failer, encrypter: encrypter, middleware: all,
                                      laravelVersion: configuration.version, logger: logger)
        services.maintenanceMode = MaintenanceMode(storagePath: storagePath)
        return services
    }
}
