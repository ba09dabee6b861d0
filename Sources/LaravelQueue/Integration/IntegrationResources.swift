import Database
import HTTP
import Logging
import Redis
import Synchronization

/// What Shuttle lends integrations: the app's environment and logger, the queue's Redis connection,
/// database pools by Laravel connection name, and one HTTP client. Shuttle owns all of it and closes it at exit,
/// after every integration's `shutdown()`.
public final class IntegrationResources: Sendable {
    /// The app's variables (`.env` < process environment < flags), for an integration's own settings.
    public let environment: LaravelEnvironment
    public let logger: Logger
    /// `shuttle:<--name>`: how this worker names itself in what its jobs record (PHP writes `php:<--name>`).
    public let workerName: String
    /// The queue's Redis connection (its prefix applies to every key); nil on a queue that is not Redis.
    public let redis: RedisConnection?
    /// Pushes jobs as the app would (its key, Horizon's fields): for jobs that dispatch others.
    public let dispatcher: Dispatcher
    /// The Laravel version the app runs, which shapes what `dispatcher` pushes.
    public let laravelVersion: LaravelVersion
    /// Sessions each database pool opens at most (`--db-pool`, else `SHUTTLE_DB_POOL`, else `--concurrency`),
    /// so every job running at once can hold one.
    public let poolSize: Int
    private let appRoot: String?
    /// One pool per connection name, in the order they were first asked for; closed once Shuttle shuts down.
    private let pools = Mutex<(all: [DatabasePool], closed: Bool)>(([], false))
    /// The shared HTTP client, made when first asked for; shut down once Shuttle shuts down.
    private let httpClient = Mutex<(client: HTTPClient?, closed: Bool)>((nil, false))

    /// - Parameter appRoot: the Laravel app's directory, where a relative SQLite path starts (nil: the current one).
    public init(environment: LaravelEnvironment, appRoot: String? = nil, poolSize: Int = 1, workerName: String = "shuttle",
                redis: RedisConnection? = nil, dispatcher: Dispatcher = Dispatcher(), laravelVersion: LaravelVersion = .app,
                logger: Logger) {
        precondition(poolSize >= 1, "a database pool needs at least one connection")
        self.environment = environment
        self.appRoot = appRoot
        self.poolSize = poolSize
        self.workerName = workerName
        self.redis = redis
        self.dispatcher = dispatcher
        self.laravelVersion = laravelVersion
        self.logger = logger
    }

    /// The pool of the Laravel database connection `name` (nil: the default, `DB_CONNECTION`), read from the
    /// `DB_*` variables as the skeleton's `config/database.php` reads them. Every caller asking for the same
    /// connection shares the pool; sessions open when a job first leases one. A name Shuttle cannot serve
    /// (unknown, MySQL…) throws a one-line error: ask in `register`, so it stops Shuttle at start.
    public func database(_ name: String? = nil) throws -> DatabasePool {
        let configuration = try DatabaseConfiguration.named(name, environment: environment.variables, appRoot: appRoot)
        return try pools.withLock { pools in
            if let pool = pools.all.first(where: { $0.configuration.connectionName == configuration.connectionName }) { return pool }
            // A pool made after shutdown would never be closed.
            if pools.closed {
                throw DatabaseError(kind: .closed, message: "database connection '\(configuration.connectionName)' asked for after shutdown")
            }
            let pool = DatabasePool(configuration: configuration, size: poolSize)
            pools.all.append(pool)
            return pool
        }
    }

    /// The HTTP client every integration shares (its threads and kept-alive connections), configured from the
    /// `SHUTTLE_HTTP_*` variables and `SSL_CERT_FILE` (see `HTTPClientConfiguration.fromEnvironment`). Without
    /// `SHUTTLE_HTTP_MAX_CONNECTIONS`, it runs as many requests at once as the database pool has sessions (at
    /// least the default), so every job running at once can have one in flight. Asked for after shutdown, it
    /// refuses every request (`.closed`).
    public func http() -> HTTPClient {
        httpClient.withLock { state in
            if let client = state.client { return client }
            var configuration = HTTPClientConfiguration.fromEnvironment(environment.variables)
            if (environment.variables["SHUTTLE_HTTP_MAX_CONNECTIONS"] ?? "").isEmpty {
                configuration.maxConnections = max(configuration.maxConnections, poolSize)
            }
            let client = HTTPClient(configuration: configuration, closed: state.closed)
            state.client = client
            return client
        }
    }

    /// Shuts the HTTP client down, if one was made: it waits for the requests in flight.
    package func closeHTTP() async {
        let client = httpClient.withLock { state in
            state.closed = true
            return state.client
        }
        guard let client else { return }
        await client.shutdown()
        logger.debug("HTTP client shut down")
    }

    /// Closes every pool, in the order they were made; each waits for its leases to come back.
    package func closeDatabases() async {
        let all = pools.withLock { pools in
            pools.closed = true
            return pools.all
        }
        for pool in all {
            await pool.close()
            logger.debug("database pool closed", metadata: ["connection": "\(pool.configuration.connectionName)"])
        }
    }
}
