import Foundation
import Synchronization
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `scripts/http-test-server.py` as our child process: HTTPS on a free loopback port with a certificate from a
/// private CA (`scripts/tls/make-ca.sh`), which only a client given `caFile` trusts.
final class HTTPTestServer {
    let port: Int
    private var process: Process?

    /// The private CA's files, made once per test process.
    static func certificates() throws -> URL {
        try madeCertificates.withLock { made in
            if let made { return made }
            let directory = try TestEnvironment.temporaryDirectory("shuttle-http-tls")
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/tls/make-ca.sh").path
            try ProcessRunner.run(["bash", script, directory.path])
            made = directory
            return directory
        }
    }
    private static let madeCertificates = Mutex<URL?>(nil)

    static var caFile: String {
        get throws { try certificates().appendingPathComponent("ca.pem").path }
    }

    /// Starts the server and waits until it prints its port.
    init() throws {
        let certificates = try Self.certificates()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", TestEnvironment.repositoryRoot.appendingPathComponent("scripts/http-test-server.py").path,
            "--cert", certificates.appendingPathComponent("server.pem").path,
            "--key", certificates.appendingPathComponent("server.key").path,
        ]
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var line: [UInt8] = []
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw ServerDidNotStart(output: String(decoding: line, as: UTF8.self))
        }
        self.port = port
        self.process = process
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let output: String
        var description: String { "scripts/http-test-server.py did not print its port (got \(output.debugDescription))" }
    }

    deinit { stop() }

    func url(_ path: String) -> String { "https://127.0.0.1:\(port)\(path)" }

    /// SIGKILL to our child (a child started from a Dispatch thread may have SIGTERM blocked), then waits.
    func stop() {
        guard let process else { return }
        self.process = nil
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A loopback port nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerDidNotStart(output: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ServerDidNotStart(output: "bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
