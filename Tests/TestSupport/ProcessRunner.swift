import Foundation

/// Runs a child process to completion (PHP, redis-cli, the shuttle binary) and captures its output.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

public enum ProcessRunner {
    public struct Failure: Error, CustomStringConvertible {
        public let command: [String]
        public let result: ProcessResult
        public var description: String {
            "\(command.joined(separator: " ")) exited \(result.status)\nstdout: \(result.stdoutText)\nstderr: \(result.stderrText)"
        }
    }

    /// Runs `arguments` (first = executable, looked up on PATH) with `stdin` and extra environment.
    @discardableResult
    public static func run(
        _ arguments: [String],
        stdin: [UInt8] = [],
        environment: [String: String] = [:],
        currentDirectory: URL? = nil,
        check: Bool = true
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        group.enter()
        DispatchQueue.global().async { out = outPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = errPipe.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if !stdin.isEmpty { inPipe.fileHandleForWriting.write(Data(stdin)) }
        try? inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        let result = ProcessResult(status: process.terminationStatus, stdout: [UInt8](out), stderr: [UInt8](err))
        if check && result.status != 0 { throw Failure(command: arguments, result: result) }
        return result
    }

    /// Runs a PHP script file with arguments.
    @discardableResult
    public static func php(_ script: String, _ arguments: [String] = [], stdin: [UInt8] = [], environment: [String: String] = [:], check: Bool = true) throws -> ProcessResult {
        try run(["php", script] + arguments, stdin: stdin, environment: environment, check: check)
    }

    /// Runs PHP code given inline (`php -r`).
    @discardableResult
    public static func phpCode(_ code: String, stdin: [UInt8] = [], environment: [String: String] = [:], check: Bool = true) throws -> ProcessResult {
        try run(["php", "-r", code], stdin: stdin, environment: environment, check: check)
    }
}
