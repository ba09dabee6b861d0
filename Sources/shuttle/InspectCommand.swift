import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe

/// `shuttle inspect`: one raw payload as readable JSON, its command decoded (and decrypted with APP_KEY).
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a raw job payload as readable JSON, with its command decoded.",
        discussion: "Reads FILE (or stdin: - or nothing), a ready job of --queue, or a failed job's payload (--failed).")

    @OptionGroup var app: AppOptions
    @Argument(help: "A file holding one raw payload (as stored in Redis or failed_jobs.payload); - for stdin.")
    var file: String?
    @Option(help: "Read a ready job of this queue instead (see --index).") var queue: String?
    @Option(help: "Which ready job of --queue: 0 is the next to run.") var index: Int = 0
    @Option(help: "Read the payload of this failed job (uuid) instead.") var failed: String?
    @Option(help: "The queue connection for --queue (default: QUEUE_CONNECTION, else redis).") var connection: String?

    func run() async throws {
        // Checked here, not in validate(): a usage error would print several lines and exit 64.
        if [file != nil, queue != nil, failed != nil].filter({ $0 }).count > 1 { throw CommandFailure("give one of FILE, --queue or --failed") }
        if index < 0 { throw CommandFailure("--index must be 0 or more") }
        let (source, bytes, encrypter) = try await read()
        do {
            let inspected = try PayloadInspector(encrypter: encrypter).inspect(bytes)
            if inspected["command"]?["decrypted"] == .bool(false) {
                app.logger().notice("data.command is encrypted: set APP_KEY to see it decrypted")
            }
            print(try JSONPrettyPrinter.print(inspected))
        } catch {
            throw CommandFailure(oneLine("\(source): \(error)"))
        }
    }

    /// The payload's bytes, what they are called in errors, and the encrypter (nil without APP_KEY).
    private func read() async throws -> (String, [UInt8], Encrypter?) {
        do {
            if let queue {
                let application = try await app.connect(connection: connection)
                guard let bytes = try await application.queue.peek(queue: queue, index: index) else {
                    throw CommandFailure("queue [\(queue)] has no ready job at index \(index)")
                }
                return ("queue [\(queue)] index \(index)", bytes, application.encrypter)
            }
            if let failed {
                let application = try await app.connect(connection: connection)
                guard let failer = application.failer else { throw CommandFailure("no failed-job store: QUEUE_FAILED_DRIVER is null") }
                guard let record = try await failer.find(failed) else { throw CommandFailure("No failed job matches the given ID [\(failed)].") }
                return ("failed job [\(failed)]", record.payload, application.encrypter)
            }
            let config = try app.configuration(connection: connection)
            let encrypter = try config.app.key.map {
                try Encrypter(appKey: $0, cipher: config.app.cipher,
                              previousKeys: config.app.previousKeys.isEmpty ? nil : config.app.previousKeys.joined(separator: ","))
            }
            if let file, file != "-" {
                guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("\(file): cannot read the file") }
                return (file, [UInt8](data), encrypter)
            }
            return ("stdin", StandardStreams.readStandardInput(), encrypter)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(oneLine("\(error)"))
        }
    }
}

/// Errors are one line: embedded newlines (e.g. in a server's message) become spaces.
func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).joined(separator: " ")
}
