import PHPFormats
/// Everything the worker needs to know about the Laravel app, resolved from its variables with the
/// skeleton config's defaults for the app's Laravel version.
///
/// Shuttle cannot execute the app's PHP config files, so it assumes they are the skeleton's; values the
/// skeleton hard-codes (`retry_after` before Laravel 11, `app.cipher`, `app.timezone`) can still be
/// mirrored with the variable later versions use (`REDIS_QUEUE_RETRY_AFTER`, `APP_CIPHER`,
/// `APP_TIMEZONE`) when the app's config was edited.
///
/// Shuttle's own settings: `SHUTTLE_LARAVEL_VERSION` (8 – 13; default: the app's `composer.lock`, else 12), `SHUTTLE_PREFIX_STYLE`
/// (`underscore`/`hyphen`, see `PrefixStyle`), `SHUTTLE_HORIZON` (true/false).
public struct QueueConfiguration: Sendable {
    public var version: LaravelVersion
    /// Where `version` came from (`shuttle about` prints it).
    public var versionSource: LaravelVersionSource
    public var prefixStyle: PrefixStyle
    /// The queue connection name (`failed_jobs.connection`, Horizon records), e.g. `redis`.
    public var connectionName: String
    /// `queue.connections.<name>.queue`: `REDIS_QUEUE`, default `default`.
    public var queue: String
    /// Seconds a reservation lasts: `REDIS_QUEUE_RETRY_AFTER`, default 90.
    public var retryAfter: Int
    /// BLPOP timeout in seconds on the notify list; `nil` never blocks (skeleton), 0 blocks forever.
    /// Not in the skeleton: `REDIS_QUEUE_BLOCK_FOR` mirrors an edited config.
    public var blockFor: Double?
    /// Jobs moved per migration call, -1 unlimited (Laravel's default); `REDIS_QUEUE_MIGRATION_BATCH_SIZE`.
    public var migrationBatchSize: Int
    /// `REDIS_CLIENT`: `phpredis` or `predis` (they prefix keys identically for the queue's commands).
    public var redisClient: String
    /// The queue's Redis connection (`REDIS_QUEUE_CONNECTION`, Laravel 11+; otherwise `default`).
    public var redis: RedisConnectionConfiguration
    public var cache: CacheConfiguration
    /// `nil` unless Horizon is enabled (`SHUTTLE_HORIZON` / `HORIZON_PREFIX`).
    public var horizon: HorizonConfiguration?
    public var app: AppConfiguration
    public var failedJobs: FailedJobsConfiguration
    /// Every `DB_*` variable, raw, for the database layer to interpret.
    public var database: [String: String]
    /// Things worth logging at start-up (e.g. a prefix derived from characters Shuttle cannot transliterate).
    public var warnings: [String]
    /// The merged variables, for anything not modelled here.
    public var environment: LaravelEnvironment

    /// Connections the skeleton's `config/queue.php` defines with another driver: naming one in
    /// `QUEUE_CONNECTION` (Laravel 11 apps default to `database`) does not make Shuttle use it.
    public static let nonRedisConnections: Set<String> = ["sync", "database", "beanstalkd", "sqs", "null", "deferred", "background", "failover"]

    /// Resolves the configuration; `connection` is `queue:work`'s connection argument, if given; `appRoot`
    /// (the `.env` file's directory) is where the app's `composer.lock` tells its Laravel version.
    public static func resolve(_ env: LaravelEnvironment, connection: String? = nil, appRoot: String? = nil) throws(ConfigurationError) -> QueueConfiguration {
        var warnings: [String] = []
        let (version, versionSource) = try LaravelVersion.resolve(from: env, appRoot: appRoot, warnings: &warnings)
        let style: PrefixStyle
        if let text = env.string(PrefixStyle.variable) {
            guard let parsed = PrefixStyle(rawValue: text.lowercased()) else {
                throw .invalid(PrefixStyle.variable, text, "is not underscore or hyphen")
            }
            style = parsed
        } else {
            style = .default(for: version)
        }

        let connectionName = resolveConnectionName(env, explicit: connection, warnings: &warnings)
        let queue = env.string("REDIS_QUEUE", default: "default") ?? ""
        do { try WorkerOptions.validateQueueName(queue) } catch { throw .invalid("REDIS_QUEUE", queue, "is not a usable queue name") }

        let client = env.string("REDIS_CLIENT", default: "phpredis") ?? ""
        guard client == "phpredis" || client == "predis" else {
            throw .invalid("REDIS_CLIENT", client, "is not phpredis or predis")
        }

        let app = try AppConfiguration.resolve(from: env, version: version)
        let redisPrefix = env.string("REDIS_PREFIX", default: style.redisPrefix(appName: app.name)) ?? ""
        if env["REDIS_PREFIX"] == nil || env["CACHE_PREFIX"] == nil || env["HORIZON_PREFIX"] == nil, !LaravelStr.slugIsExact(app.name) {
            warnings.append("APP_NAME=\(ConfigurationError.quoted(app.name)) has characters Shuttle may slug differently from Laravel: set REDIS_PREFIX, CACHE_PREFIX and HORIZON_PREFIX explicitly")
        }

        let queueRedisName = version.major >= 11 ? env.string("REDIS_QUEUE_CONNECTION", default: "default") ?? "" : "default"
        let redis = try RedisConnectionConfiguration.resolve(queueRedisName, from: env, version: version, prefix: redisPrefix)
        let defaultRedis = queueRedisName == "default" ? redis
            : try RedisConnectionConfiguration.resolve("default", from: env, version: version, prefix: redisPrefix)

        return QueueConfiguration(
            version: version,
            versionSource: versionSource,
            prefixStyle: style,
            connectionName: connectionName,
            queue: queue,
            retryAfter: try env.integer("REDIS_QUEUE_RETRY_AFTER", default: 90, in: 0...Int(Int32.max), what: "a number of seconds"),
            blockFor: try env.seconds("REDIS_QUEUE_BLOCK_FOR", default: nil),
            migrationBatchSize: try env.integer("REDIS_QUEUE_MIGRATION_BATCH_SIZE", default: -1, what: "a whole number (-1 for unlimited)"),
            redisClient: client,
            redis: redis,
            cache: try CacheConfiguration.resolve(from: env, version: version, style: style, appName: app.name, redisPrefix: redisPrefix),
            horizon: try HorizonConfiguration.resolve(from: env, appName: app.name, defaultConnection: defaultRedis),
            app: app,
            failedJobs: FailedJobsConfiguration.resolve(from: env, version: version),
            database: env.variables(withPrefix: "DB_"),
            warnings: warnings,
            environment: env
        )
    }

    /// `queue:work [connection]`, else `QUEUE_CONNECTION` when it names a Redis connection, else `redis`.
    static func resolveConnectionName(_ env: LaravelEnvironment, explicit: String?, warnings: inout [String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        guard let configured = env.string("QUEUE_CONNECTION"), !configured.isEmpty else { return "redis" }
        if nonRedisConnections.contains(configured) {
            warnings.append("QUEUE_CONNECTION=\(ConfigurationError.quoted(configured)) is not a Redis connection; working the \"redis\" connection")
            return "redis"
        }
        return configured
    }
}
