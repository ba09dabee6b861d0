import ArgumentParser
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe

/// `shuttle clear [QUEUE]`: `php artisan queue:clear --queue=QUEUE` — deletes a queue's ready, delayed and
/// reserved jobs (the same four keys). Like artisan, refuses in production unless `--force`.
struct ClearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clear", abstract: "Delete all jobs of a queue, like queue:clear.")

    @OptionGroup var app: AppOptions
    @Argument(help: "The queue to clear (default: the connection's queue).") var queue: String?
    @Option(help: "The queue connection (default: QUEUE_CONNECTION, else redis).") var connection: String?
    @Flag(help: "Clear even when APP_ENV is production.") var force = false

    func run() async throws {
        let name: String
        let count: Int
        let version: LaravelVersion
        do {
            let config = try app.configuration(connection: connection)
            if config.environment.string("APP_ENV", default: "production") == "production" && !force {
                throw CommandFailure("APP_ENV is production: pass --force to clear the queue")
            }
            let application = try await app.connect(connection: connection)
            name = queue ?? application.configuration.queue
            version = application.configuration.version
            count = try await application.queue.clear(queue: name)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(oneLine("\(error)"))
        }
        // "1 job" from Laravel 11 (Str::plural); "1 jobs" before.
        let jobs = count == 1 && version.major >= 11 ? "job" : "jobs"
        print("Cleared \(count) \(jobs) from the [\(name)] queue")
    }
}
