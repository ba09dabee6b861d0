import Foundation
import TestSupport

/// Captures what Redis executes during one operation: `redis-cli MONITOR` runs as a child process while the
/// operation runs; an `ECHO` of a unique marker afterwards tells when everything before it has arrived.
final class MonitorRecorder: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var output = Data()
    private let port: Int

    private init(port: Int) { self.port = port }

    /// Runs `operation` under MONITOR and returns every command Redis logged meanwhile.
    static func record(port: Int, _ operation: () async throws -> Void) async throws -> [MonitorCommand] {
        let recorder = MonitorRecorder(port: port)
        try await recorder.start()
        defer { recorder.stop() }
        try await operation()
        let marker = "monitor-end-\(UUID().uuidString)"
        try ProcessRunner.run(["redis-cli", "-h", TestEnvironment.redisHost, "-p", String(port), "echo", marker])
        try await recorder.waitFor(marker)
        let text = recorder.lock.withLock { String(decoding: recorder.output, as: UTF8.self) }
        return MonitorCommand.parse(trace: text)
    }

    private func start() async throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-cli", "-h", TestEnvironment.redisHost, "-p", String(port), "monitor"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = pipe.fileHandleForReading
        DispatchQueue.global().async { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                lock.withLock { output.append(chunk) }
            }
        }
        try await waitFor("OK")
    }

    private func waitFor(_ text: String, timeout: TimeInterval = 10) async throws {
        let needle = Data(text.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if lock.withLock({ output.range(of: needle) != nil }) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TimedOut(waitingFor: text)
    }

    /// SIGKILL: a child spawned from a thread that blocks SIGTERM inherits the block and would never exit.
    private func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    struct TimedOut: Error, CustomStringConvertible {
        let waitingFor: String
        var description: String { "MONITOR output did not show \(waitingFor)" }
    }
}
