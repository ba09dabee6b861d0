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

/// `shuttle retry ID…|all [--queue Q]`: `php artisan queue:retry` — each failed job back onto its queue with
/// attempts 0 (same uuid and id, plain `json_encode`), then its record deleted. Exit 1 if any id was not found.
struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Push failed jobs back onto their queues, like queue:retry.")

    @OptionGroup var app: AppOptions
    @Argument(help: "Failed job ids (uuids), or all.") var ids: [String] = []
    @Option(help: "Retry every failed job of this queue (instead of the ids given).") var queue: String?

    func run() async throws {
        if ids.isEmpty && queue == nil { throw CommandFailure("give the ids of the failed jobs, or all, or --queue") }
        let application: QueueApplication
        let retrier: FailedJobRetrier
        let jobIds: [String]
        do {
            application = try await app.connect()
            let failer = try FailedJobStore.require(application)
            let connections = QueueConnections(app: app, first: application)
            retrier = FailedJobRetrier(failer: failer) { try await connections.queue($0) }
            jobIds = try await retrier.jobIds(ids, queue: queue)
        } catch {
            throw CommandFailure(oneLine("\(error)"))
        }
        if jobIds.isEmpty {
            print("No retryable jobs found.")
            return
        }
        var missing = 0
        for id in jobIds {
            let outcome: FailedJobRetrier.Outcome
            do {
                outcome = try await retrier.retry(id)
            } catch {
                throw CommandFailure(oneLine("failed job [\(id)]: \(error)"))
            }
            switch outcome {
            case .notFound:
                missing += 1
                StandardStreams.writeStandardError("Unable to find failed job with ID [\(id)].\n")
            case .retried(_, _, let keptRetryUntil):
                if let keptRetryUntil {
                    application.logger.warning(
                        "retryUntil kept as recorded: PHP's queue:retry would recompute it if the job has a retryUntil() method",
                        metadata: ["id": "\(id)", "retryUntil": "\(keptRetryUntil)"])
                }
                print("The failed job [\(id)] has been pushed back onto the queue!")
            }
        }
        if missing > 0 { throw ExitCode.failure }
    }
}

/// The queues of the connections failed records name (`failed_jobs.connection`), connected once each.
actor QueueConnections {
    private let app: AppOptions
    private var applications: [String: QueueApplication]

    init(app: AppOptions, first: QueueApplication) {
        self.app = app
        applications = [first.configuration.connectionName: first]
    }

    func queue(_ connection: String) async throws -> RedisQueue {
        if let application = applications[connection] { return application.queue }
        let application = try await app.connect(connection: connection)
        applications[connection] = application
        return application.queue
    }
}
