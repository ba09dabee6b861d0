import LaravelQueue
import Spark

/// Runs `App\Jobs\CheckIntegrationUpdates` natively. It sits above Spark and the service targets because it
/// routes to every service's fetch jobs; the routes come in from the composition list (`shuttle`'s
/// Integrations.swift), each service's from its own target.
public struct SparkScheduleIntegration: Integration {
    public let name = "SparkSchedule"
    let routes: [FetchJobRoutes]

    public init(routes: [FetchJobRoutes]) {
        self.routes = routes
    }

    public func register(into registrar: inout JobRegistrar, resources: IntegrationResources) async throws {
        guard let store = try await SparkStore.open(resources) else { return }
        let connection = try resources.database().configuration.connectionName
        try registrar.register(CheckIntegrationUpdates.phpClass, CheckIntegrationUpdates(
            store: store, routes: routes, dispatcher: resources.dispatcher, databaseConnection: connection,
            version: resources.laravelVersion, logger: resources.logger))
    }
}
