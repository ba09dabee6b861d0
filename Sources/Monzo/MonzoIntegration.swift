import LaravelQueue
import Spark

/// Monzo's jobs, plugged into Shuttle through the integration seam. The four processing jobs write into the
/// app's database (default connection) through the Spark store, with `MONZO_SALARY_NAME` from the app's env.
/// The four fetch jobs and the historical backfill call Monzo (`MONZO_API_BASE`) with the seam's HTTP client
/// when the app has a Monzo client (`MONZO_CLIENT_ID`, `MONZO_CLIENT_SECRET`); without one they stay PHP's,
/// as PHP's own plugin refuses to run them.
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

        let api = MonzoAPISettings.fromEnvironment(resources.environment.variables)
        guard api.clientId != nil, api.clientSecret != nil else {
            resources.logger.notice("MONZO_CLIENT_ID or MONZO_CLIENT_SECRET not set: Monzo's fetch jobs stay with PHP")
            return
        }
        let connection = try resources.database().configuration.connectionName
        let http = resources.http()
        for kind in MonzoPull.Kind.allCases {
            try registrar.register(kind.phpClass, MonzoPull(kind, store: store, http: http, settings: api, connection: connection,
                                                             dispatcher: resources.dispatcher))
        }
        try registrar.register(MonzoHistoricalData.phpClass, MonzoHistoricalData(store: store, http: http, settings: api, connection: connection,
                                                                                  dispatcher: resources.dispatcher))
    }
}
