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

/// `shuttle dispatch`: pushes a job a PHP worker runs, in the payload and serialized-command shape of the
/// target Laravel version; or, with `--probe`, Shuttle's probe job. Prints `<uuid> <id>` per job pushed.
struct DispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dispatch", abstract: "Push a job for PHP (or the probe) onto a queue.")

    @OptionGroup var app: AppOptions

    @Argument(help: "The PHP job class (not with --probe).") var className: String?
    @Option(help: "The queue (default: the connection's).") var queue: String?
    @Option(help: "Seconds before the job is available.") var delay: Int?
    @Option(help: "The job's properties as JSON: `name` public, `*name` protected, `-name` private; {\"@model\": CLASS, \"id\": …} for models.")
    var properties: String?
    @Flag(help: "Encrypt the command (ShouldBeEncrypted); needs APP_KEY.") var encrypted = false
    @Option(help: "How many copies to push.") var count: Int = 1
    @Option(name: .customLong("tag"), help: "Horizon: a tag the job's tags() returns (repeatable; default: its models).")
    var tags: [String] = []
    @Flag(help: "Horizon: the job is silenced (horizon.silenced or Silenced).") var silenced = false

    @Flag(help: "Dispatch Shuttle\\Jobs\\Probe.") var probe = false
    @Option(help: "Probe: seconds to sleep.") var sleep: Double = 0
    @Option(help: "Probe: fail every attempt up to this one.") var failAttempts: Int = 0
    @Option(help: "Probe / payload: maxTries.") var tries: Int?
    @Option(help: "Probe / payload: backoff seconds (list: 1,5,10).") var backoff: String?
    @Option(help: "Probe / payload: timeout seconds.") var timeout: Int?
    @Flag(help: "Probe / payload: failOnTimeout.") var failOnTimeout = false
    @Option(help: "Probe: Redis list receiving one entry per run.") var record: String?

    func run() async throws {
        let application: QueueApplication
        var job: PendingJob
        do {
            application = try await app.connect()
            let version = application.configuration.version
            guard count >= 1 else { throw CommandFailure("--count must be at least 1") }
            if application.horizon == nil, !tags.isEmpty || silenced {
                throw CommandFailure("--tag and --silenced need Horizon (HORIZON_PREFIX or SHUTTLE_HORIZON=true)")
            }
            if probe {
                guard className == nil, properties == nil else { throw CommandFailure("--probe takes no class or --properties") }
                var backoffValue: ProbeDispatch.Backoff? = nil
                if let backoff {
                    guard let parsed = ProbeDispatch.Backoff(parsing: backoff) else { throw CommandFailure("--backoff=\(backoff) is not a number or comma list of numbers") }
                    backoffValue = parsed
                }
                job = ProbeDispatch(sleep: sleep, failAttempts: failAttempts, record: record, tries: tries,
                                    backoff: backoffValue, timeout: timeout, failOnTimeout: failOnTimeout)
                    .pendingJob(queue: queue, delay: delay, count: count, version: version)
            } else {
                guard let className else { throw CommandFailure("give a PHP job class, or --probe") }
                let backoffList = try backoff.map { try WorkerOptions.parseBackoff($0) }
                job = try PendingJob(
                    className: className, propertiesJSON: properties ?? "{}", queue: queue, delay: delay,
                    overrides: PayloadOptionOverrides(tries: tries, backoff: backoffList, timeout: timeout,
                                                      failOnTimeout: failOnTimeout ? true : nil),
                    version: version, encrypted: encrypted, count: count)
            }
            job.tags = tags.isEmpty ? nil : tags
            job.silenced = silenced
        } catch let error as CommandFailure {
            throw error
        } catch {
            throw CommandFailure("\(error)")
        }
        do {
            let pushed = try await application.dispatcher.dispatch(job, on: application.queue)
            for j in pushed { print("\(j.uuid) \(j.id)") }
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}
