import LaravelQueue
import LaravelScheduling
import PHPFormats
import ShuttleRuntime
import SparkSchedule

/// Spark's schedule (routes/console.php at cronxco/spark@373618f): `Schedule::job(new CheckIntegrationUpdates)
/// ->everyMinute()->withoutOverlapping()->onOneServer()`, as a `Scheduler` on the app's cache and queue.
enum SparkScheduler {
    static func make(_ application: QueueApplication, clock: any ScheduleClock = SystemScheduleClock()) throws -> Scheduler {
        guard let cache = application.cache as? any AddingCacheStore else {
            throw CommandFailure("the schedule needs a cache store PHP shares (CACHE_STORE/CACHE_DRIVER redis, database or file), not \(application.configuration.cache.store)")
        }
        let version = application.configuration.version
        let job = CheckIntegrationUpdates.pendingJob(version: version)
        let dispatcher = application.dispatcher
        let queue = application.queue
        let logger = application.logger
        let event = ScheduledEvent(description: CheckIntegrationUpdates.phpClass, withoutOverlapping: 1440, onOneServer: true) {
            let pushed = try await dispatcher.dispatch(job, on: queue)
            logger.info("pushed CheckIntegrationUpdates", metadata: ["queue": "\(pushed.first?.queue ?? "")", "uuid": "\(pushed.first?.uuid ?? "")"])
        }
        return Scheduler(events: [event], mutex: ScheduleMutex(cache: cache, locks: application.bus.locks, version: version),
                         clock: clock, timeZone: ZoneInfo(identifier: application.configuration.app.timezone) ?? .utc,
                         logger: logger)
    }
}
