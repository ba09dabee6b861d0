import LaravelQueue
import Logging

/// Starts the integrations a build of Shuttle is made of and stops them at exit, in order.
///
/// At start each integration registers its handlers in turn, into one registry the worker runs from; a job
/// class claimed twice, or an integration that throws, stops Shuttle with one line. At exit, once the worker
/// has finished its jobs in flight: integrations shut down in reverse, then the database pools they leased
/// close (each waiting for its leases), then the shared HTTP client, then the app's own connections.
public final class IntegrationHost: Sendable {
    /// Every integration's handlers: what the worker runs.
    public let registry: JobRegistry
    public let resources: IntegrationResources
    private let integrations: [any Integration]
    private let application: QueueApplication?

    /// Registers `integrations` in order. If one fails, those already registered are shut down and the pools
    /// closed before the error is rethrown; `application` is left to the caller then.
    /// - Parameter application: the app whose connections `shutdown()` closes last, if the host owns them.
    public init(_ integrations: [any Integration], resources: IntegrationResources, application: QueueApplication? = nil) async throws {
        var registry = JobRegistry()
        var started: [any Integration] = []
        for integration in integrations {
            var registrar = JobRegistrar(integration: integration.name, registry: registry)
            do {
                try await integration.register(into: &registrar, resources: resources)
            } catch {
                await Self.shutdown(started, resources: resources)
                if error is DuplicateJobRegistration { throw error }
                throw IntegrationError(integration: integration.name, underlying: error)
            }
            started.append(integration)
            resources.logger.info("integration registered", metadata: [
                "integration": "\(integration.name)",
                "jobs": "\(registrar.registry.registeredClasses.count - registry.registeredClasses.count)",
            ])
            registry = registrar.registry
        }
        self.integrations = integrations
        self.registry = registry
        self.resources = resources
        self.application = application
    }

    /// The host of `application`'s worker: resources from the app's environment and queue connection, pools
    /// of `poolSize` sessions (nil: `SHUTTLE_DB_POOL`, else `concurrency`, so each job running can hold one).
    public convenience init(_ integrations: [any Integration], application: QueueApplication, appRoot: String? = nil,
                            concurrency: Int, poolSize: Int? = nil, workerName: String) async throws {
        let environment = application.configuration.environment
        let size = try Self.poolSize(poolSize, environment: environment, concurrency: concurrency)
        let resources = IntegrationResources(environment: environment, appRoot: appRoot, poolSize: size, workerName: workerName,
                                             redis: application.redis, dispatcher: application.dispatcher,
                                             laravelVersion: application.configuration.version, logger: application.logger)
        try await self.init(integrations, resources: resources, application: application)
    }

    /// Integrations in reverse order, then the database pools, the HTTP client, then the app's connections.
    public func shutdown() async {
        await Self.shutdown(integrations, resources: resources)
        await application?.close()
    }

    private static func shutdown(_ integrations: [any Integration], resources: IntegrationResources) async {
        for integration in integrations.reversed() {
            await integration.shutdown()
            resources.logger.debug("integration shut down", metadata: ["integration": "\(integration.name)"])
        }
        await resources.closeDatabases()
        await resources.closeHTTP()
    }

    /// `--db-pool`, else `SHUTTLE_DB_POOL`, else the worker's concurrency; at least 1.
    public static func poolSize(_ option: Int?, environment: LaravelEnvironment, concurrency: Int) throws(ConfigurationError) -> Int {
        if let option {
            guard option >= 1 else { throw .invalid("--db-pool", "\(option)", "must be at least 1") }
            return option
        }
        return try environment.integer("SHUTTLE_DB_POOL", default: max(concurrency, 1), in: 1...Int.max,
                                       what: "a number of database connections (1 or more)")
    }
}
