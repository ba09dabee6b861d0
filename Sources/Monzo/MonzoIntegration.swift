import LaravelQueue
import Spark

/// Monzo's four processing jobs, plugged into Shuttle through the integration seam: they write into the
/// app's database (default connection) through the Spark store, with `MONZO_SALARY_NAME` from the app's env.
/// The fetch jobs (which call Monzo's API) stay PHP's.
public struct MonzoIntegration: Integration {
    public let name = "Monzo"

    public init() {}

    public func register(into registrar: inout JobRegistrar, resources: IntegrationResources) async throws {
        guard let store = try await SparkStore.open(resources) else { return }
        let settings = MonzoSettings.fromEnvironment(resources.environment.variables)
        try registrar.register(MonzoAccountData.phpClass, MonzoAccountData(store: store))
        try registrar.register(MonzoTransactionData.phpClass, MonzoTransactionData(store: store, settings: settings))
        try registrar.register(MonzoPotData.phpClass, MonzoPotData(store: store))
        try registrar.register(MonzoBalanceData.phpClass, MonzoBalanceData(store: store))
    }
}
