// swift-tools-version: 6.0
import PackageDescription

/// Our own targets build in Swift 6 mode with warnings as errors: "zero warnings" is a rule, not a goal.
let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])]

let package = Package(
    name: "Shuttle",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "shuttle", targets: ["shuttle"]),
        .library(name: "LaravelQueue", targets: ["LaravelQueue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C libraries from Debian (-dev packages), linked directly: no pkg-config, so SwiftPM stays quiet.
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ"),

        .target(name: "Redis", dependencies: ["CHiredis"], swiftSettings: strict),
        .target(name: "PHPSerialization", swiftSettings: strict),
        .target(name: "Database", dependencies: ["CSQLite", "CLibPQ"], swiftSettings: strict),
        .target(
            name: "LaravelQueue",
            dependencies: [
                "Redis", "PHPSerialization", "Database", "COpenSSL",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "shuttle",
            dependencies: [
                "LaravelQueue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        // Test-only helpers: where the test services are, how to run PHP, where fixtures live.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "PHPSerializationTests", dependencies: ["PHPSerialization", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "DatabaseTests", dependencies: ["Database", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "LaravelQueueTests", dependencies: ["LaravelQueue", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "InteropTests", dependencies: ["LaravelQueue", "TestSupport"], swiftSettings: strict),
    ]
)
