import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LaravelQueue
import Logging
import PHPFormats
import ShuttleRuntime

/// `shuttle about`: `php artisan about` for Shuttle — the Laravel version it behaves as and why, its
/// connections, and the exact queue and cache keys it reads, so a deploy can check it shares PHP's keys.
/// Works with Redis down: everything comes from configuration, and the connection is marked unreachable.
struct AboutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "about", abstract: "Show what Shuttle resolved from the app's configuration, like artisan about.")

    @OptionGroup var app: AppOptions
    @Argument(help: "The queue connection (default: QUEUE_CONNECTION, else redis).") var connection: String?
    @Option(help: "Queues whose keys to show (comma list). Default: the connection's queue.") var queue: String?
    @Flag(help: "Print the information as JSON (about --json).") var json = false

    func run() async throws {
        let config: QueueConfiguration
        let queues: [String]
        do {
            config = try app.configuration(connection: connection)
            queues = try queue.map { try WorkerOptions.parseQueues($0) } ?? [config.queue]
        } catch {
            throw CommandFailure(oneLine("\(error)"))
        }
        let logger = app.logger()
        for warning in config.warnings { logger.warning("\(warning)") }

        let redis = await AboutReport.reachability(config)
        let jobs: AboutReport.JobClasses
        if redis["queue"] == .reachable {
            do {
                // Quiet: the store notices the worker logs at start say nothing about's output does not.
                var quiet = logger
                quiet.logLevel = .error
                let application = try await QueueApplication.connect(config, appRoot: app.appRoot, logger: quiet)
                // The same composition `shuttle work` runs, registered and shut down again.
                let host = try await IntegrationHost(Integrations.all, application: application, appRoot: app.appRoot,
                                                     concurrency: 1, poolSize: 1, workerName: "shuttle:about")
                jobs = .registered(host.registry.registeredClasses)
                await host.shutdown()
            } catch {
                jobs = .unknown(oneLine("\(error)"))
            }
        } else {
            jobs = .unknown("the handlers are built on the queue's Redis connection, which is unreachable")
        }

        let envFile = app.envFilePath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let report = AboutReport(configuration: config, shuttleVersion: ShuttleVersion.current, envFile: envFile,
                                 appRoot: app.appRoot, queues: queues, redis: redis, jobClasses: jobs)
        if json {
            print(String(decoding: try JSONWriter.encode(report.json, options: .plain), as: UTF8.self))
        } else {
            print(report.text(), terminator: "")
        }
    }
}
