import Foundation

/// Where the test services started by `scripts/services.sh` are, and where the repository's files live.
///
/// Tests need real components: when a service is missing they fail with a message saying how to start it,
/// rather than silently skipping (`make test` starts everything).
public enum TestEnvironment {
    /// Repository root, derived from this file's location.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let fixtures: URL = repositoryRoot.appendingPathComponent("fixtures")

    /// Reads a fixture's exact bytes.
    public static func fixture(_ relativePath: String) throws -> [UInt8] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(relativePath))
        return [UInt8](data)
    }

    public struct MissingService: Error, CustomStringConvertible {
        public let variable: String
        public var description: String {
            "\(variable) is not set: run the tests with `make test` (it starts Redis, PostgreSQL and checks PHP), or `eval $(scripts/services.sh start)` first"
        }
    }

    static func required(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw MissingService(variable: name)
        }
        return value
    }

    /// Loopback port of the test `redis-server`.
    public static func redisPort() throws -> Int {
        guard let port = Int(try required("SHUTTLE_TEST_REDIS_PORT")) else { throw MissingService(variable: "SHUTTLE_TEST_REDIS_PORT") }
        return port
    }
    public static let redisHost = "127.0.0.1"

    /// Loopback port of the test PostgreSQL (user `postgres`, trust authentication).
    public static func postgresPort() throws -> Int {
        guard let port = Int(try required("SHUTTLE_TEST_PG_PORT")) else { throw MissingService(variable: "SHUTTLE_TEST_PG_PORT") }
        return port
    }

    /// A scratch directory unique to this call, removed by the OS's tmp cleanup.
    public static func temporaryDirectory(_ label: String = "shuttle-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
