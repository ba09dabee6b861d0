import Redis
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Connections to the test redis-server (`SHUTTLE_TEST_REDIS_PORT`); each test class uses its own DB.
enum RedisTestSupport {
    static func configuration(database: Int, prefix: String = "") throws -> RedisConfiguration {
        RedisConfiguration(host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), database: database, keyPrefix: prefix)
    }

    static func connect(database: Int, prefix: String = "") async throws -> RedisConnection {
        try await RedisConnection(configuration: configuration(database: database, prefix: prefix))
    }

    /// A prefix-less connection to `database` after FLUSHDB, for inspecting the real key names.
    static func freshDatabase(_ database: Int) async throws -> RedisConnection {
        let raw = try await connect(database: database)
        _ = try await raw.send(.flushdb())
        return raw
    }

    /// Value of `field` in an INFO section, e.g. `blocked_clients`.
    static func info(_ connection: RedisConnection, _ section: String, _ field: String) async throws -> String? {
        let text = try await connection.send(.info(section)).string ?? ""
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1))
        }
        return nil
    }

    /// `calls=` of one command in INFO commandstats (0 when the command was never called).
    static func calls(_ connection: RedisConnection, _ command: String) async throws -> Int {
        guard let stats = try await info(connection, "commandstats", "cmdstat_\(command)") else { return 0 }
        let calls = stats.split(separator: ",").first { $0.hasPrefix("calls=") }
        return calls.flatMap { Int($0.dropFirst(6)) } ?? 0
    }

    /// Polls `condition` (up to ~10 s) — used to wait for server-side state, never to measure time.
    static func waitUntil(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<1000 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        XCTFail("timed out waiting until \(what)")
        throw RedisError.timeout(what)
    }

    /// Waits until the server has `count` clients blocked (BLPOP).
    static func waitForBlockedClients(_ count: Int, using connection: RedisConnection) async throws {
        try await waitUntil("\(count) clients are blocked") {
            try await info(connection, "clients", "blocked_clients") == String(count)
        }
    }

    /// A loopback TCP port nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisError.hostUnreachable("socket() failed") }
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw RedisError.hostUnreachable("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Asserts that `body` throws a `RedisError` and returns it.
    static func expectError<T>(_ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line) async -> RedisError? {
        do {
            let value = try await body()
            XCTFail("expected a RedisError, got \(value)", file: file, line: line)
        } catch let error as RedisError {
            return error
        } catch {
            XCTFail("expected a RedisError, got \(error)", file: file, line: line)
        }
        return nil
    }
}

/// `XCTAssertEqual` for awaited values (XCTest's autoclosures cannot `await`).
func assertEqual<T: Equatable>(_ value: T, _ expected: T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(value, expected, message, file: file, line: line)
}
