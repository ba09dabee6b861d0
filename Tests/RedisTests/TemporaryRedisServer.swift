import Foundation
import Redis
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A private redis-server for tests that need other settings (requirepass, unix socket) or that stop
/// it. Runs in the foreground as our child process in a temp dir; `stop()` terminates exactly that child.
final class TemporaryRedisServer {
    let port: Int
    let directory: URL
    let extraArguments: [String]
    var socketPath: String { directory.appendingPathComponent("redis.sock").path }
    private var process: Process?

    init(_ extraArguments: [String] = []) throws {
        self.port = try RedisTestSupport.freePort()
        self.directory = try TestEnvironment.temporaryDirectory("shuttle-redis")
        self.extraArguments = extraArguments
        try start()
    }

    deinit { destroy() }

    /// Stops the server and deletes its directory (XCTest keeps test cases alive, so call it in tearDown).
    func destroy() {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "redis-server", "--bind", "127.0.0.1", "--port", String(port), "--dir", directory.path,
            "--unixsocket", socketPath, "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--logfile", directory.appendingPathComponent("redis.log").path,
        ] + extraArguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // Ready when our child listens on both: Redis opens its TCP port before its unix socket, and a port taken
        // meanwhile by another server would accept for it while our child exits.
        for _ in 0..<500 {
            guard process.isRunning else { break }
            if FileManager.default.fileExists(atPath: socketPath) && accepts() && process.isRunning { return }
            usleep(10_000)
        }
        stop()
        throw RedisError.timeout("temporary redis-server on port \(port) did not start (see \(directory.path)/redis.log)")
    }

    /// SIGKILL to our child, then wait for it to exit (its port then refuses connections). Not SIGTERM:
    /// a child spawned from a Dispatch worker thread inherits that thread's blocked-signal mask.
    func stop() {
        guard let process else { return }
        self.process = nil
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    private func accepts() -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
