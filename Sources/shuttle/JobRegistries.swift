import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe

/// The job classes this build of Shuttle runs natively; everything else goes back to PHP.
enum JobRegistries {
    static func standard(application: QueueApplication, workerName: String) throws -> JobRegistry {
        var registry = JobRegistry()
        try registry.register(ProbeJob.phpClass, ProbeJob(redis: application.redis, workerName: workerName))
        return registry
    }
}
