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

/// `shuttle failed`: `php artisan queue:failed` — ID, Connection, Queue, Class, Failed At, newest first.
struct FailedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "failed", abstract: "List the failed jobs, like queue:failed.")

    @OptionGroup var app: AppOptions
    @Flag(help: "Print the list as JSON (queue:failed --json).") var json = false

    func run() async throws {
        let summaries: [FailedJobSummary]
        do {
            let application = try await app.connect()
            let failer = try FailedJobStore.require(application)
            summaries = try await failer.all().map { FailedJobSummary($0, version: application.configuration.version) }
        } catch {
            throw CommandFailure(oneLine("\(error)"))
        }
        if json {
            let list = JSONValue.array(summaries.map {
                .object(JSONObject([
                    "id": .string($0.id), "connection": .string($0.connection), "queue": .string($0.queue),
                    "class": .string($0.jobClass), "failed_at": .string($0.failedAt),
                ]))
            })
            print(String(decoding: try JSONWriter.encode(list, options: .plain), as: UTF8.self))
            return
        }
        if summaries.isEmpty {
            print("No failed jobs!")
            return
        }
        print(ConsoleTable.render(
            headers: ["ID", "Connection", "Queue", "Class", "Failed At"],
            rows: summaries.map { [$0.id, $0.connection, $0.queue, $0.jobClass, $0.failedAt] }))
    }
}

/// The failer, or the one-line reason there is none.
enum FailedJobStore {
    static func require(_ application: QueueApplication) throws -> any FailedJobProvider {
        guard let failer = application.failer else {
            throw CommandFailure("failed jobs are not stored: QUEUE_FAILED_DRIVER is null")
        }
        return failer
    }
}
