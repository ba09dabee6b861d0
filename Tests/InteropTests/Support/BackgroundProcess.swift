import Foundation
import XCTest

/// A long-running child (a `shuttle work` or `php work.php` worker) that a test signals, kills and waits for.
/// Its stdout and stderr go to files, so a chatty worker never blocks on a full pipe and the test can read its
/// log at any time. Tests always `kill()` it in tearDown; killing an exited process is a no-op.
final class BackgroundProcess {
    let name: String
    let stderrURL: URL
    private let process = Process()

    /// Starts `arguments` (first = executable, looked up on PATH unless absolute) in `directory`, with `environment`
    /// added to this process's.
    init(_ name: String, _ arguments: [String], environment: [String: String], directory: URL) throws {
        self.name = name
        stderrURL = directory.appendingPathComponent("\(name).stderr")
        let stdoutURL = directory.appendingPathComponent("\(name).stdout")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// What it wrote on stderr so far.
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// The JSON lines of its stderr (work.php's events).
    var events: [[String: Any]] {
        stderr.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    func send(_ signal: Int32) {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, signal)
    }

    /// SIGKILL, then reap it.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        _ = waitForExit(timeout: 5)
    }

    /// How it ended.
    enum Ending: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)
        var description: String {
            switch self {
            case .exited(let s): return "exit status \(s)"
            case .signalled(let s): return "killed by signal \(s)"
            }
        }
    }

    /// Waits up to `timeout` seconds; nil when it is still running then.
    @discardableResult
    func waitForExit(timeout: Double) -> Ending? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { return nil }
        process.waitUntilExit()
        return process.terminationReason == .exit ? .exited(process.terminationStatus) : .signalled(process.terminationStatus)
    }
}
