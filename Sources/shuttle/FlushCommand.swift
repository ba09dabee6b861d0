import ArgumentParser
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe

/// `shuttle flush [--hours H]`: `php artisan queue:flush` — deletes all failed jobs, or those older than H hours.
struct FlushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flush", abstract: "Delete all failed jobs, like queue:flush.")

    @OptionGroup var app: AppOptions
    @Option(help: "Only the jobs that failed at least this many hours ago.") var hours: Int?

    func run() async throws {
        if let hours, hours < 0 { throw CommandFailure("--hours must be 0 or more") }
        do {
            let failer = try FailedJobStore.require(try await app.connect())
            try await failer.flush(hours: hours)
        } catch {
            throw CommandFailure(oneLine("\(error)"))
        }
        if let hours, hours != 0 {
            print("All jobs that failed more than \(hours) hours ago have been deleted successfully.")
        } else {
            print("All failed jobs deleted successfully!")
        }
    }
}
