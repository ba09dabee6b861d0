import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import TestSupport
import XCTest

final class ConfigurationQueueTests: XCTestCase {
    func resolve(_ variables: [String: String], connection: String? = nil) throws -> QueueConfiguration {
        try QueueConfiguration.resolve(LaravelEnvironment(process: variables), connection: connection)
    }

    func testDefaultsWithNothingSet() throws {
        let config = try resolve([:])
        XCTAssertEqual(config.version.major, 12)
        XCTAssertEqual(config.prefixStyle, .underscore)
        XCTAssertEqual(config.connectionName, "redis")
        XCTAssertEqual(config.queue, "default")
        XCTAssertEqual(config.retryAfter, 90)
        XCTAssertNil(config.blockFor)
        XCTAssertEqual(config.migrationBatchSize, -1)
        XCTAssertEqual(config.redisClient, "phpredis")
        XCTAssertEqual(config.redis, RedisConnectionConfiguration(name: "default", prefix: "laravel_database_"))
        XCTAssertEqual(config.cache.store, "database")
        XCTAssertEqual(config.cache.prefix, "laravel_cache_")
        XCTAssertEqual(config.cache.redisConnection.database, 1)
        XCTAssertNil(config.horizon)
        XCTAssertEqual(config.app, AppConfiguration(name: "Laravel", key: nil, previousKeys: [], cipher: "AES-256-CBC", timezone: "UTC"))
        XCTAssertEqual(config.failedJobs.driver, "database-uuids")
        XCTAssertEqual(config.failedJobs.database, "sqlite")
        XCTAssertEqual(config.versionSource, .assumed)
        XCTAssertEqual(config.warnings.count, 1, "only that the version is assumed")
        XCTAssertTrue(config.warnings.first?.hasPrefix("Laravel version unknown") == true, "\(config.warnings)")
        XCTAssertEqual(try resolve(["SHUTTLE_LARAVEL_VERSION": "12"]).warnings, [])
    }

    /// The skeleton defaults that change between majors (checked against laravel/laravel 8.x – 12.x and
    /// the framework's v11 – v13 config fallbacks).
    func testDefaultsPerMajor() throws {
        struct Expected { let redisPrefix, cachePrefix, cacheStore, restartKey, failedDatabase: String }
        let expectations: [Int: Expected] = [
            8: Expected(redisPrefix: "my_app_database_", cachePrefix: "my_app_cache", cacheStore: "file",
                        restartKey: "my_app_database_my_app_cache:illuminate:queue:restart", failedDatabase: "mysql"),
            9: Expected(redisPrefix: "my_app_database_", cachePrefix: "my_app_cache_", cacheStore: "file",
                        restartKey: "my_app_database_my_app_cache_:illuminate:queue:restart", failedDatabase: "mysql"),
            10: Expected(redisPrefix: "my_app_database_", cachePrefix: "my_app_cache_", cacheStore: "file",
                         restartKey: "my_app_database_my_app_cache_:illuminate:queue:restart", failedDatabase: "mysql"),
            11: Expected(redisPrefix: "my_app_database_", cachePrefix: "my_app_cache_", cacheStore: "database",
                         restartKey: "my_app_database_my_app_cache_illuminate:queue:restart", failedDatabase: "sqlite"),
            12: Expected(redisPrefix: "my_app_database_", cachePrefix: "my_app_cache_", cacheStore: "database",
                         restartKey: "my_app_database_my_app_cache_illuminate:queue:restart", failedDatabase: "sqlite"),
            13: Expected(redisPrefix: "my-app-database-", cachePrefix: "my-app-cache-", cacheStore: "database",
                         restartKey: "my-app-database-my-app-cache-illuminate:queue:restart", failedDatabase: "sqlite"),
        ]
        for (major, expected) in expectations {
            let config = try resolve(["APP_NAME": "My App", "SHUTTLE_LARAVEL_VERSION": "\(major)"])
            XCTAssertEqual(config.version.major, major)
            XCTAssertEqual(config.redis.prefix, expected.redisPrefix, "v\(major)")
            XCTAssertEqual(config.cache.prefix, expected.cachePrefix, "v\(major)")
            XCTAssertEqual(config.cache.store, expected.cacheStore, "v\(major)")
            XCTAssertEqual(config.cache.redisKey("illuminate:queue:restart"), expected.restartKey, "v\(major)")
            XCTAssertEqual(config.failedJobs.database, expected.failedDatabase, "v\(major)")
        }
    }

    func testCacheStoreVariableDependsOnMajor() throws {
        let variables = ["CACHE_DRIVER": "redis", "CACHE_STORE": "array"]
        XCTAssertEqual(try resolve(variables.merging(["SHUTTLE_LARAVEL_VERSION": "10"]) { $1 }).cache.store, "redis")
        XCTAssertEqual(try resolve(variables.merging(["SHUTTLE_LARAVEL_VERSION": "11"]) { $1 }).cache.store, "array")
    }

    func testHyphenStyleForNewSkeletons() throws {
        let config = try resolve(["APP_NAME": "Café Crème", "SHUTTLE_PREFIX_STYLE": "hyphen"])
        XCTAssertEqual(config.redis.prefix, "cafe-creme-database-")
        XCTAssertEqual(config.cache.prefix, "cafe-creme-cache-")
        XCTAssertThrowsError(try resolve(["SHUTTLE_PREFIX_STYLE": "kebab"])) { error in
            XCTAssertEqual("\(error)", "SHUTTLE_PREFIX_STYLE=\"kebab\" is not underscore or hyphen")
        }
    }

    /// The derived prefixes equal what the skeleton's expressions give under real PHP.
    func testDerivedPrefixesMatchPHP() throws {
        let names = ["Laravel", "My App", "Foo.Bar", "Café Crème", "a@b", "Ærø--Øl__Bar", "\"Quoted\"", "(empty)"]
        let code = #"""
        require 'Illuminate/autoload.php';
        use Illuminate\Support\Str;
        $out = [];
        for ($i = 0; getenv("N_$i") !== false; $i++) {
            putenv('APP_NAME=' . getenv("N_$i"));
            $name = (string) env('APP_NAME', 'laravel');
            $out[] = [Str::slug($name, '_') . '_database_', Str::slug($name) . '-database-',
                      Str::slug($name, '_') . '_cache_', Str::slug($name, '_') . '_horizon:'];
        }
        echo json_encode($out);
        """#
        var environment: [String: String] = [:]
        for (index, name) in names.enumerated() { environment["N_\(index)"] = name }
        let reference = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try ProcessRunner.phpCode(code, environment: environment).stdout)) as? [[String]])
        for (index, name) in names.enumerated() {
            let underscore = try resolve(["APP_NAME": name, "SHUTTLE_LARAVEL_VERSION": "10", "SHUTTLE_HORIZON": "true"])
            let hyphen = try resolve(["APP_NAME": name, "SHUTTLE_LARAVEL_VERSION": "13"])
            XCTAssertEqual(underscore.redis.prefix, reference[index][0], name)
            XCTAssertEqual(hyphen.redis.prefix, reference[index][1], name)
            XCTAssertEqual(underscore.cache.prefix, reference[index][2], name)
            XCTAssertEqual(underscore.horizon?.prefix, reference[index][3], name)
        }
    }

    func testExplicitPrefixesWinEvenWhenEmpty() throws {
        let config = try resolve(["APP_NAME": "X", "REDIS_PREFIX": "", "CACHE_PREFIX": "c", "SHUTTLE_LARAVEL_VERSION": "9"])
        XCTAssertEqual(config.redis.prefix, "")
        XCTAssertEqual(config.cache.redisKey("k"), "c:k")
        let noCachePrefix = try resolve(["CACHE_PREFIX": "", "SHUTTLE_LARAVEL_VERSION": "9"])
        XCTAssertEqual(noCachePrefix.cache.redisKey("k"), "laravel_database_k", "v8–v10 add ':' only after a non-empty prefix")
    }

    func testRedisConnectionVariables() throws {
        let config = try resolve([
            "REDIS_HOST": "redis.internal", "REDIS_PORT": "6380", "REDIS_PASSWORD": "s3cret", "REDIS_USERNAME": "app",
            "REDIS_DB": "3", "REDIS_CACHE_DB": "4", "REDIS_CLIENT": "predis",
        ])
        XCTAssertEqual(config.redis, RedisConnectionConfiguration(name: "default", host: "redis.internal", port: 6380, username: "app", password: "s3cret", database: 3, prefix: "laravel_database_"))
        XCTAssertEqual(config.cache.redisConnection.database, 4)
        XCTAssertEqual(config.cache.redisConnection.host, "redis.internal")
        XCTAssertEqual(config.cache.redisLockConnection.database, 3)
        XCTAssertEqual(config.redisClient, "predis")
        XCTAssertNil(try resolve(["REDIS_USERNAME": "app", "SHUTTLE_LARAVEL_VERSION": "8"]).redis.username, "Laravel 8 never sends a username")
        XCTAssertNil(try resolve(["REDIS_PASSWORD": "null"]).redis.password)
        XCTAssertNil(try resolve(["REDIS_PASSWORD": "0"]).redis.password, "PHP empty(\"0\") skips AUTH")
        XCTAssertEqual(try resolve(["REDIS_CACHE_DB": ""]).cache.redisConnection.database, 0, "(int) \"\" selects 0")
    }

    func testRedisURLOverridesComponents() throws {
        let config = try resolve([
            "REDIS_URL": "rediss://user:p%40ss@cache.example:6390/2", "REDIS_HOST": "ignored", "REDIS_DB": "7", "REDIS_CACHE_DB": "8",
        ])
        XCTAssertEqual(config.redis.host, "cache.example")
        XCTAssertEqual(config.redis.port, 6390)
        XCTAssertEqual(config.redis.username, "user")
        XCTAssertEqual(config.redis.password, "p@ss")
        XCTAssertEqual(config.redis.database, 2)
        XCTAssertTrue(config.redis.tls)
        XCTAssertEqual(config.cache.redisConnection.database, 2, "the URL's database applies to the cache connection too")
        XCTAssertEqual(try resolve(["REDIS_URL": "redis://h?database=5"]).redis.database, 5)
        XCTAssertThrowsError(try resolve(["REDIS_URL": "http://h"])) { error in
            XCTAssertEqual("\(error)", "REDIS_URL=\"http://h\" has an unsupported scheme (use redis://, rediss://, tcp:// or tls://)")
        }
    }

    func testQueueConnectionSettings() throws {
        let config = try resolve([
            "REDIS_QUEUE": "jobs", "REDIS_QUEUE_RETRY_AFTER": "300", "REDIS_QUEUE_BLOCK_FOR": "2.5",
            "REDIS_QUEUE_MIGRATION_BATCH_SIZE": "100", "REDIS_QUEUE_CONNECTION": "cache",
        ])
        XCTAssertEqual(config.queue, "jobs")
        XCTAssertEqual(config.retryAfter, 300)
        XCTAssertEqual(config.blockFor, 2.5)
        XCTAssertEqual(config.migrationBatchSize, 100)
        XCTAssertEqual(config.redis.name, "cache")
        XCTAssertEqual(config.redis.database, 1)
        XCTAssertEqual(try resolve(["REDIS_QUEUE_CONNECTION": "cache", "SHUTTLE_LARAVEL_VERSION": "10"]).redis.name, "default",
                       "REDIS_QUEUE_CONNECTION exists from Laravel 11")
        XCTAssertThrowsError(try resolve(["REDIS_QUEUE_CONNECTION": "other"])) { error in
            XCTAssertEqual("\(error)", "Redis connection \"other\" is not in the skeleton's config/database.php (only \"default\" and \"cache\" are)")
        }
    }

    func testConnectionName() throws {
        XCTAssertEqual(try resolve(["QUEUE_CONNECTION": "redis-high"]).connectionName, "redis-high")
        XCTAssertEqual(try resolve(["QUEUE_CONNECTION": "redis-high"], connection: "other").connectionName, "other")
        let database = try resolve(["QUEUE_CONNECTION": "database", "SHUTTLE_LARAVEL_VERSION": "12"])
        XCTAssertEqual(database.connectionName, "redis")
        XCTAssertEqual(database.warnings, ["QUEUE_CONNECTION=\"database\" is not a Redis connection; working the \"redis\" connection"])
    }

    func testHorizon() throws {
        XCTAssertNil(try resolve(["SHUTTLE_HORIZON": "false", "HORIZON_PREFIX": "x:"]).horizon)
        let byPrefix = try XCTUnwrap(try resolve(["HORIZON_PREFIX": "hz:", "REDIS_DB": "2"]).horizon)
        XCTAssertEqual(byPrefix.prefix, "hz:")
        XCTAssertEqual(byPrefix.connection, RedisConnectionConfiguration(name: "horizon", database: 2, prefix: "hz:"))
        XCTAssertEqual(try resolve(["SHUTTLE_HORIZON": "true", "APP_NAME": "My App"]).horizon?.prefix, "my_app_horizon:")
        XCTAssertEqual(try resolve(["HORIZON_PREFIX": ""]).horizon?.prefix, "horizon:", "Horizon replaces an empty prefix")
        XCTAssertEqual(try resolve(["SHUTTLE_HORIZON": "true", "REDIS_QUEUE_CONNECTION": "cache"]).horizon?.connection.database, 0,
                       "Horizon copies the `default` connection, not the queue's")
    }

    func testAppSettings() throws {
        let app = try resolve([
            "APP_NAME": "Shop", "APP_KEY": "base64:abc", "APP_PREVIOUS_KEYS": "base64:old1,base64:old2",
            "APP_TIMEZONE": "Europe/Paris", "APP_CIPHER": "aes-128-gcm",
        ]).app
        XCTAssertEqual(app, AppConfiguration(name: "Shop", key: "base64:abc", previousKeys: ["base64:old1", "base64:old2"], cipher: "aes-128-gcm", timezone: "Europe/Paris"))
        XCTAssertEqual(try resolve(["APP_PREVIOUS_KEYS": "base64:old", "SHUTTLE_LARAVEL_VERSION": "10"]).app.previousKeys, [])
        XCTAssertThrowsError(try resolve(["APP_CIPHER": "des"])) { error in
            XCTAssertEqual("\(error)", "APP_CIPHER=\"des\" is not a cipher Laravel supports (AES-128-CBC, AES-256-CBC, AES-128-GCM, AES-256-GCM)")
        }
    }

    func testDatabaseVariablesPassThroughRaw() throws {
        let config = try resolve(["DB_CONNECTION": "pgsql", "DB_PASSWORD": "null", "DBX": "no", "REDIS_DB": "1"])
        XCTAssertEqual(config.database, ["DB_CONNECTION": "pgsql", "DB_PASSWORD": "null"])
        XCTAssertEqual(config.failedJobs.database, "pgsql")
    }

    func testOneLineErrors() {
        let cases: [([String: String], String)] = [
            (["REDIS_PORT": "abc"], "REDIS_PORT=\"abc\" is not a port number"),
            (["REDIS_DB": "-1"], "REDIS_DB=\"-1\" is not a Redis database number"),
            (["REDIS_CLIENT": "credis"], "REDIS_CLIENT=\"credis\" is not phpredis or predis"),
            (["REDIS_QUEUE_RETRY_AFTER": "1m"], "REDIS_QUEUE_RETRY_AFTER=\"1m\" is not a number of seconds"),
            (["REDIS_QUEUE": " default"], "REDIS_QUEUE=\" default\" is not a usable queue name"),
            (["SHUTTLE_LARAVEL_VERSION": "7"], "SHUTTLE_LARAVEL_VERSION=\"7\" is not a supported Laravel version (8 – 13)"),
            (["SHUTTLE_HORIZON": "sometimes"], "SHUTTLE_HORIZON=\"sometimes\" is not a boolean (use true or false)"),
        ]
        for (variables, message) in cases {
            XCTAssertThrowsError(try resolve(variables)) { error in XCTAssertEqual("\(error)", message) }
        }
    }

    func testWarnsWhenAppNameCannotBeSluggedExactly() throws {
        XCTAssertEqual(try resolve(["APP_NAME": "Магазин", "SHUTTLE_LARAVEL_VERSION": "12"]).warnings.count, 1)
        XCTAssertEqual(try resolve(["APP_NAME": "Магазин", "REDIS_PREFIX": "a", "CACHE_PREFIX": "b", "HORIZON_PREFIX": "c",
                                    "SHUTTLE_LARAVEL_VERSION": "12"]).warnings, [])
    }

    func testVersionParsing() throws {
        XCTAssertEqual(try LaravelVersion(parsing: "v12.3.0").major, 12)
        XCTAssertEqual(try LaravelVersion(parsing: "8").major, 8)
        XCTAssertThrowsError(try LaravelVersion(parsing: "12.x"))
    }
}
