/// What a job's middleware may need of the worker running it: the queue it came from (Laravel's
/// `$job->getConnectionName()`), the handlers registered beside it, and the worker's services.
/// A class so one instance per worker is shared by every job's context instead of copied into each.
public final class JobEnvironment: Sendable {
    public let queue: any QueueDriver
    public let registry: JobRegistry
    public let services: WorkerServices

    public init(queue: any QueueDriver, registry: JobRegistry, services: WorkerServices) {
        self.queue = queue
        self.registry = registry
        self.services = services
    }
}
