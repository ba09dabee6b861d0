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
import ShuttleOperations

/// `shuttle work`: `php artisan queue:work` with its options and defaults, plus `--concurrency`,
/// `--hand-back-to` (router mode) and `--scan-window` (selective reservation). Exit status as PHP's: 0 stopped, 12 memory limit, 1 a timed-out job that would not stop.
struct WorkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "work", abstract: "Process jobs from the queues, like queue:work.")

    @OptionGroup var app: AppOptions

    @Argument(help: "The queue connection (default: QUEUE_CONNECTION, else redis).")
    var connection: String?

    @Option(help: "Queues to work, in priority order (comma list). Default: the connection's queue.")
    var queue: String?
    @Option(help: "Seconds to sleep when no job is available.") var sleep: Double = 3
    @Option(help: "Attempts before a job fails (0 = unlimited), when the job does not say.") var tries: Int = 1
    @Option(help: "Seconds a job may run (0 = no limit), when the job does not say.") var timeout: Int = 60
    @Option(help: "Memory limit in megabytes (0 = none).") var memory: Int = 128
    @Option(help: "Stop after this many jobs (0 = no limit).") var maxJobs: Int = 0
    @Option(help: "Stop after this many seconds (0 = no limit).") var maxTime: Int = 0
    @Option(help: "Seconds to rest after each job.") var rest: Double = 0
    @Option(help: "Seconds to wait before retrying a failed job (may be a list: 1,5,10).") var backoff: String = "0"
    @Flag(help: "Stop when the queues are empty.") var stopWhenEmpty = false
    @Flag(help: "Work even while the app is down for maintenance (storage/framework/down).") var force = false
    @Flag(help: "Process a single job and stop.") var once = false
    @Option(help: "The worker's name.") var name: String = "default"
    @Option(help: "Jobs run at once in this process.") var concurrency: Int = 1
    @Option(help: "Router mode: forward the jobs Shuttle does not run, untouched and in order, to this queue (for PHP workers). Default: take only Shuttle's own jobs and leave PHP's in place.")
    var handBackTo: String?
    @Option(help: "How deep into a queue shared with PHP Shuttle looks for its own jobs.") var scanWindow: Int = 256
    @Option(help: "Database connections each pool the integrations use opens at most (default: SHUTTLE_DB_POOL, else --concurrency).")
    var dbPool: Int?
    @Option(help: "Serve /metrics (Prometheus), /health and /ready on HOST:PORT (or PORT, on 127.0.0.1), e.g. 127.0.0.1:9100. Off by default.")
    var http: String?
    @Flag(help: "Also push CheckIntegrationUpdates every minute, as `shuttle schedule` does.") var schedule = false
    @Flag(help: "With --schedule: run the current minute at start too, not only from the next minute boundary.") var scheduleNow = false

    func run() async throws {
        let application: QueueApplication
        let poolSize: Int
        let httpAddress: ListenAddress?
        var options = WorkerOptions()
        do {
            let config = try app.configuration(connection: connection)
            options.name = name
            options.queues = try queue.map { try WorkerOptions.parseQueues($0) } ?? [config.queue]
            options.sleep = sleep
            options.tries = tries
            options.timeout = timeout
            options.memory = memory
            options.maxJobs = once ? 1 : maxJobs
            options.maxTime = maxTime
            options.rest = rest
            options.backoff = backoff
            options.stopWhenEmpty = stopWhenEmpty
            options.force = force
            options.once = once
            options.concurrency = concurrency
            options.handBackTo = handBackTo
            options.scanWindow = scanWindow
            try options.validate()
            httpAddress = try http.map { try ListenAddress(parsing: $0) }
            _ = try WorkerOptions.parseBackoff(backoff)
            poolSize = try IntegrationHost.poolSize(dbPool, environment: config.environment, concurrency: concurrency)
            application = try await app.connect(connection: connection)
        } catch {
            throw CommandFailure("\(error)")
        }

        let workerName = name == "default" ? "shuttle:\(ProcessInfo.processInfo.processIdentifier)" : "shuttle:\(name)"
        let host: IntegrationHost
        do {
            host = try await IntegrationHost(Integrations.all, application: application, appRoot: app.appRoot,
                                             concurrency: concurrency, poolSize: poolSize, workerName: workerName)
        } catch {
            await application.close()
            throw CommandFailure("\(error)")
        }
        var operations: OperationsEndpoint? = nil
        if let httpAddress {
            do {
                operations = try await OperationsEndpoint.start(httpAddress, application: application, queues: options.queues,
                                                                concurrency: concurrency)
            } catch {
                await host.shutdown()
                await application.close()
                throw CommandFailure("\(error)")
            }
        }
        let middleware: [any JobMiddleware] = [LoggingMiddleware(logger: application.logger)] + (operations.map { [$0.middleware] } ?? [])
        let worker = Worker(queue: application.queue, registry: host.registry, options: options,
                            services: application.workerServices(middleware: middleware))
        operations?.attach(worker)
        if let horizon = application.configuration.horizon {
            application.logger.info("keeping Horizon's job records", metadata: ["prefix": "\(horizon.prefix)"])
        }
        let signals = SignalHandler(worker: worker)
        signals.install()
        var scheduler: Task<Void, Never>? = nil
        if schedule {
            do {
                let made = try SparkScheduler.make(application)
                let runNow = scheduleNow
                scheduler = Task { await made.run(runCurrentMinute: runNow) }
                application.logger.info("schedule started: CheckIntegrationUpdates every minute")
            } catch {
                await host.shutdown()
                throw CommandFailure("\(error)")
            }
        }
        let outcome = await worker.run()
        scheduler?.cancel()
        await scheduler?.value
        if outcome == .stuckJob {
            // As PHP's worker kills itself: the stuck job may hold a pooled session, so waiting for it could be forever.
            application.logger.notice("integrations are not shut down: a timed-out job would not stop")
        } else {
            await host.shutdown()
        }
        operations?.stop()
        if outcome != .stopped(reason: "") { application.logger.info("exit", metadata: ["status": "\(outcome.status)"]) }
        if outcome.status != 0 { throw ExitCode(outcome.status) }
    }
}
