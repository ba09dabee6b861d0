import LaravelQueue
import Spark

/// Apple Health's webhook hook and its two processing jobs, plugged into Shuttle through the integration seam:
/// they read and write the app's database (default connection) through the Spark store; the hook dispatches
/// the processing jobs on the queue it came from, as Laravel payloads a PHP worker could run as well.
public struct AppleHealthIntegration: Integration {
    public static let service = "apple_health"
    public let name = "Apple Health"

    public init() {}

    public func register(into registrar: inout JobRegistrar, resources: IntegrationResources) async throws {
        guard let store = try await SparkStore.open(resources) else { return }
        let settings = try AppleHealthSettings.fromEnvironment(resources.environment.variables)
        try registrar.register(AppleHealthWebhookHook.phpClass, AppleHealthWebhookHook(store: store, settings: settings))
        try registrar.register(AppleHealthWorkoutData.phpClass, AppleHealthWorkoutData(store: store))
        try registrar.register(AppleHealthMetricData.phpClass, AppleHealthMetricData(store: store))
    }
}
