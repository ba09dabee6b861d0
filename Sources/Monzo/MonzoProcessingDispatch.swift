import LaravelQueue
import PHPFormats
import PHPSerialization

/// Pushes Monzo processing jobs from a fetch job as the app's `MonzoTransactionData::dispatch(...)` would:
/// the class's serialized properties of spec §4.4 (protected; the integration as a ModelIdentifier with
/// relations `user`, `group` and the app's database connection name), its tries/timeout/backoff in the
/// payload, on the worker's queue connection and its default queue (`pull` in Spark) — so a PHP worker
/// runs them just as well as Shuttle.
struct MonzoProcessingDispatch: Sendable {
    let queue: any QueueDriver
    let version: LaravelVersion
    let integration: ModelIdentifier
    let dispatcher: Dispatcher

    /// - Parameter connection: the Laravel database connection the integration was read from (`pgsql`).
    init(_ context: JobContext, integrationId: String, connection: String, dispatcher: Dispatcher) throws {
        guard let environment = context.environment else {
            throw JobException("RuntimeException", "no queue to dispatch the processing jobs to", file: "shuttle", line: 0)
        }
        queue = environment.queue
        self.dispatcher = dispatcher
        version = environment.services.laravelVersion
        integration = ModelIdentifier(modelClass: "App\\Models\\Integration", id: .string(integrationId), relations: ["user", "group"],
                                      connection: connection)
    }

    /// `MonzoAccountData(integration, account)`.
    func account(_ account: JSONValue) async throws {
        try await push(MonzoAccountData.phpClass, rawData: try Self.php(account), accountId: nil)
    }

    /// `MonzoTransactionData(integration, transactions, accountId)`.
    func transactions(_ items: [JSONValue], account: String) async throws {
        try await push(MonzoTransactionData.phpClass, rawData: try Self.php(.array(items)), accountId: account)
    }

    /// `MonzoPotData(integration, pots, accountId)`.
    func pots(_ items: [JSONValue], account: String) async throws {
        try await push(MonzoPotData.phpClass, rawData: try Self.php(.array(items)), accountId: account)
    }

    /// `MonzoBalanceData(integration, balance + ['_account' => account], accountId)`.
    func balance(_ balance: JSONObject, account: JSONValue, accountId: String) async throws {
        var raw = balance
        raw["_account"] = account
        try await push(MonzoBalanceData.phpClass, rawData: try Self.php(.object(raw)), accountId: accountId)
    }

    private func push(_ className: String, rawData: PHPValue, accountId: String?) async throws {
        var properties: [JobProperty] = []
        if let accountId { properties.append(JobProperty("accountId", .protected, .string(accountId), default: nil)) }
        properties.append(.model("integration", .protected, integration))
        properties.append(JobProperty("rawData", .protected, rawData, default: nil))
        properties.append(JobProperty("serviceName", .protected, .string("monzo"), default: nil))
        let job = PendingJob(className: className, properties: properties, overrides: PayloadOptionOverrides(tries: 2, backoff: [120, 300], timeout: 300),
                             version: version, shape: .serializesModels)
        try await dispatcher.dispatch(job, on: queue)
    }

    /// What `$response->json(...)` gives PHP.
    static func php(_ value: JSONValue) throws -> PHPValue {
        try PropertyJSON.phpValue(value, property: "rawData")
    }
}
