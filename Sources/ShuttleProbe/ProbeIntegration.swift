import LaravelQueue

/// The probe as an integration, and the template a new one copies: a name, and `register` binding each PHP
/// job class to its handler, built with what it needs from `resources` (here the queue's Redis connection
/// for `record` lists, and the worker's name for their entries).
public struct ProbeIntegration: Integration {
    public let name = "Probe"

    public init() {}

    public func register(into registrar: inout JobRegistrar, resources: IntegrationResources) async throws {
        try registrar.register(ProbeJob.phpClass, ProbeJob(redis: resources.redis, workerName: resources.workerName))
    }
}
