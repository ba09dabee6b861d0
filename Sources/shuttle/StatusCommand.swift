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

/// `shuttle status`: per queue, ready / delayed / reserved and the oldest ready job's wait; failed count; and, when
/// the app's database holds Spark's tables, per integration its last runs and the rows written under it.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the sizes of the queues, the failed-job count and, for Spark, each integration's last runs and rows.")

    @OptionGroup var app: AppOptions
    @Argument(help: "The queue connection.") var connection: String?
    @Option(help: "Queues to show (comma list). Default: the connection's queue.") var queue: String?

    func run() async throws {
        let application: QueueApplication
        let queues: [String]
        do {
            application = try await app.connect(connection: connection)
            queues = try queue.map { try WorkerOptions.parseQueues($0) } ?? [application.configuration.queue]
        } catch {
            throw CommandFailure("\(error)")
        }
        let now = Int(Date().timeIntervalSince1970)
        print("connection: \(application.configuration.connectionName) (Redis \(application.configuration.redis.host):\(application.configuration.redis.port) db \(application.configuration.redis.database), prefix \"\(application.configuration.redis.prefix)\")")
        print(pad("queue", 24) + pad("ready", 10) + pad("delayed", 10) + pad("reserved", 10) + "oldest wait")
        for name in queues {
            let sizes = try await application.queue.sizes(queue: name)
            var wait = "-"
            if let first = try await application.queue.peek(queue: name), let payload = try? Payload(bytes: first),
               let created = payload.createdAt ?? payload.pushedAt.flatMap({ Double($0) }).map({ Int($0) }) {
                wait = "\(max(0, now - created))s"
            }
            print(pad(name, 24) + pad("\(sizes.ready)", 10) + pad("\(sizes.delayed)", 10) + pad("\(sizes.reserved)", 10) + wait)
        }
        if let failer = application.failer {
            print("failed jobs: \(try await failer.count())")
        }
        for line in await IntegrationStatus.lines(environment: application.configuration.environment, appRoot: app.appRoot) {
            print(line)
        }
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}
