import ArgumentParser
import LaravelScheduling
import ShuttleRuntime

/// `shuttle schedule`: `php artisan schedule:work` for Spark's one entry, pushing `CheckIntegrationUpdates`
/// every minute, once across all hosts (PHP's included) through Laravel's scheduler mutexes.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Push CheckIntegrationUpdates every minute, like schedule:work (one host per minute, never overlapping).")

    @OptionGroup var app: AppOptions
    @Flag(help: "Also run the current minute at start (as a cron-started schedule:run would), not only from the next boundary.")
    var now = false

    func run() async throws {
        let application: QueueApplication
        do {
            application = try await app.connect()
        } catch {
            throw CommandFailure("\(error)")
        }
        let scheduler: Scheduler
        do {
            scheduler = try SparkScheduler.make(application)
        } catch {
            await application.close()
            throw error
        }
        application.logger.info("schedule started: CheckIntegrationUpdates every minute")
        let task = Task { await scheduler.run(runCurrentMinute: now) }
        await StopSignals.wait()
        task.cancel()
        await task.value
        await application.close()
    }
}
