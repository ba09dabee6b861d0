// swift-tools-version: 6.2
import PackageDescription

/// Our own targets build in Swift 6 mode with every warning an error: "zero warnings" is a rule, not a goal.
/// (`treatAllWarnings` applies to this package only, so others can depend on it by version.)
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

var allQueueTargets: [Target.Dependency] {
    ["PHPFormats", "LaravelQueue", "LaravelBus", "LaravelHorizon", "LaravelQueueTesting", "ShuttleRuntime", "ShuttleProbe",
     "TestSupport"]
}

// The targets, in the order they depend on each other: each knows only those above it.
let package = Package(
    name: "Shuttle",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shuttle", targets: ["shuttle"]),
        .library(name: "LaravelQueue", targets: ["LaravelQueue"]),
        .library(name: "ShuttleRuntime", targets: ["ShuttleRuntime"]),
        /// For integration authors: an in-memory queue and `JobContext` builders, to test a job without Redis.
        .library(name: "LaravelQueueTesting", targets: ["LaravelQueueTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // Metrics API and its Prometheus text exporter; neither pulls in swift-nio (only swift-atomics).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // 1. C libraries from Debian (-dev packages), linked directly: no pkg-config, so SwiftPM stays quiet.
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),
        .systemLibrary(name: "CXXHash", path: "Sources/CXXHash"),
        // libcurl, dlopened on the first HTTP request (see its shim.h), with typed wrappers for its variadic
        // setopt/getinfo, which Swift cannot call.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl"),

        // 2. Clients and codecs that know nothing of Laravel's queue. `Digests` (SHA-1 by libcrypto, hex) is the
        //    one of each that the Redis client (EVALSHA names) and the PHP formats share.
        // SHA-1 and hex, the one of each.
        .target(name: "Digests", dependencies: ["COpenSSL"], swiftSettings: strict),
        // A Redis client: a thread per connection, phpredis' key prefixing, scripts by EVALSHA.
        .target(name: "Redis", dependencies: ["CHiredis", "Digests"], swiftSettings: strict),
        // PHP's serialize()/unserialize() format.
        .target(name: "PHPSerialization", swiftSettings: strict),
        // SQLite and PostgreSQL sessions off the cooperative pool, and their pool.
        .target(name: "Database", dependencies: ["CSQLite", "CLibPQ"], swiftSettings: strict),
        // PHP-exact formats that know nothing of queues: json_encode's JSON, TZif zones, .env, casts, hashes.
        .target(name: "PHPFormats", dependencies: ["PHPSerialization", "Digests", "CXXHash"], swiftSettings: strict),
        // An HTTP(S) client through libcurl: transfers on dedicated threads, kept-alive connections, TLS always verified.
        .target(name: "HTTP", dependencies: ["CCurl"], swiftSettings: strict),

        // 3. The queue core: payloads, queue operations, the worker, failed jobs, caches, encrypter, dispatch,
        //    and the integration seam.
        .target(
            name: "LaravelQueue",
            dependencies: [
                "Redis", "PHPSerialization", "Database", "HTTP", "PHPFormats", "Digests", "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // 4. Around the core, as job middleware and push hooks.
        // Unique locks, chains and batches (CallQueuedHandler's duties) as BusMiddleware.
        .target(name: "LaravelBus", dependencies: ["LaravelQueue", "PHPFormats", "PHPSerialization", "Redis", "Database", "Digests",
                                                   .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // Horizon's per-job records as HorizonMiddleware; its push side as a DispatchHook.
        .target(name: "LaravelHorizon", dependencies: ["LaravelQueue", "PHPFormats", "Redis",
                                                       .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // Laravel's scheduler for every-minute jobs, its mutexes in the app's cache as PHP's `schedule:run` writes them.
        .target(name: "LaravelScheduling", dependencies: ["LaravelQueue", "LaravelBus", "PHPFormats", "PHPSerialization", "Digests",
                                                          .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // For handler authors: InMemoryQueue, its cache and failed-job store, JobContext builders.
        .target(name: "LaravelQueueTesting", dependencies: ["LaravelQueue", "PHPFormats", "PHPSerialization",
                                                            .product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        // 5. One app's queue, connected from its configuration; integrations plug in here.
        .target(name: "ShuttleRuntime", dependencies: ["LaravelQueue", "LaravelBus", "LaravelHorizon", "PHPFormats", "Redis", "Database",
                                                       .product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        // Job metrics as JobMiddleware, and the counters integrations increment (swift-metrics' API only).
        .target(name: "ShuttleMetrics", dependencies: ["LaravelQueue", .product(name: "CoreMetrics", package: "swift-metrics")],
                swiftSettings: strict),
        // `work --http`: /metrics (Prometheus), /health and /ready; log formats and Laravel's log levels.
        .target(name: "ShuttleOperations", dependencies: [
            "ShuttleMetrics", "LaravelQueue", "PHPFormats", "Redis", "Database",
            .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        // 6. Integrations: each one target with its job handlers. The probe is the template to copy.
        .target(name: "ShuttleProbe", dependencies: ["LaravelQueue", "PHPFormats", "Redis"], swiftSettings: strict),
        // Spark's data model and store (PostgreSQL with the app's schema, or SQLite), then its integrations.
        .target(name: "Spark", dependencies: ["LaravelQueue", "PHPFormats", "PHPSerialization", "Database",
                                              .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(name: "Monzo", dependencies: ["Spark", "LaravelQueue", "PHPFormats", "PHPSerialization", "Database", "HTTP", "ShuttleMetrics",
                                              .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .target(name: "AppleHealth", dependencies: ["Spark", "LaravelQueue", "PHPFormats", "PHPSerialization", "Digests",
                                                    .product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        // CheckIntegrationUpdates: above the services, whose fetch-job routes it is handed.
        .target(name: "SparkSchedule", dependencies: ["Spark", "LaravelQueue", "PHPFormats", "PHPSerialization",
                                                      .product(name: "Logging", package: "swift-log")], swiftSettings: strict),

        // 7. The CLI, which composes the integrations in one place.
        .executableTarget(
            name: "shuttle",
            dependencies: [
                "ShuttleRuntime", "LaravelQueue", "LaravelBus", "LaravelHorizon", "PHPFormats", "ShuttleProbe", "Spark", "Monzo",
                "AppleHealth", "SparkSchedule", "LaravelScheduling", "Database", "Digests", "ShuttleMetrics", "ShuttleOperations",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Test-only helpers: where the test services are, how to run PHP, where fixtures live.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        // A fresh Spark database on either backend and the rows read back in `expected-rows.json`'s shape.
        .target(name: "SparkTestSupport", dependencies: ["Spark", "Database", "PHPFormats", "TestSupport",
                                                       .product(name: "Logging", package: "swift-log")],
                path: "Tests/SparkTestSupport", swiftSettings: strict),
        .testTarget(name: "DigestsTests", dependencies: ["Digests"], swiftSettings: strict),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PHPSerializationTests", dependencies: ["PHPSerialization", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DatabaseTests", dependencies: ["Database", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "LaravelQueueTests", dependencies: allQueueTargets + ["HTTP"], swiftSettings: strict),
        .testTarget(name: "InteropTests", dependencies: allQueueTargets, swiftSettings: strict),
        .testTarget(name: "SchedulingTests", dependencies: ["LaravelScheduling", "SparkSchedule", "LaravelQueue", "LaravelBus", "ShuttleRuntime",
                                                            "PHPFormats", "PHPSerialization", "Redis", "Database", "TestSupport",
                                                            .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        .testTarget(name: "MonzoTests", dependencies: ["Spark", "Monzo", "SparkSchedule", "Database", "LaravelQueue", "LaravelQueueTesting",
                                                       "PHPFormats", "PHPSerialization", "TestSupport", "SparkTestSupport", "HTTP", "Redis",
                                                       "ShuttleMetrics", "ShuttleOperations", .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .testTarget(name: "AppleHealthTests", dependencies: ["Spark", "AppleHealth", "Database", "LaravelQueue", "LaravelQueueTesting",
                                                             "PHPFormats", "PHPSerialization", "TestSupport", "SparkTestSupport",
                                                             .product(name: "Logging", package: "swift-log")],
                    swiftSettings: strict),
        .testTarget(name: "OperationsTests", dependencies: [
            "ShuttleOperations", "ShuttleMetrics", "PHPFormats", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
        .testTarget(name: "LaravelQueueTestingTests", dependencies: [
            "LaravelQueueTesting", "LaravelQueue", "LaravelBus", "PHPFormats", "PHPSerialization", "Redis", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),
    ]
)
