import ArgumentParser
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe

/// `shuttle forget ID`: `php artisan queue:forget` — deletes one failed-job record.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forget", abstract: "Delete a failed job, like queue:forget.")

    @OptionGroup var app: AppOptions
    @Argument(help: "The failed job's id (uuid).") var id: String

    func run() async throws {
        let deleted: Bool
        do {
            let failer = try FailedJobStore.require(try await app.connect())
            deleted = try await failer.forget(id)
        } catch {
            throw CommandFailure(oneLine("\(error)"))
        }
        guard deleted else { throw CommandFailure("No failed job matches the given ID.") }
        print("Failed job deleted successfully!")
    }
}
