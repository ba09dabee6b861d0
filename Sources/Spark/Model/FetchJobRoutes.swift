/// Which fetch job `CheckIntegrationUpdates` pushes for an instance of one service (spec §6.2 step 4): the app's
/// `get<Service>FetchJobs`, as data. An integration target supplies the routes of the service it knows (Monzo's
/// come from the Monzo target), so the schedule job needs no service's class names of its own.
public struct FetchJobRoutes: Sendable, Hashable {
    /// How the app's `PluginRegistry` classes the service; it decides which integrations are selected at all.
    public enum Authentication: Sendable, Hashable {
        /// `getOAuthPlugins()`: selected only while the group exists, is not deleted and holds an `access_token`.
        case oauth
        /// `getApiKeyPlugins()`: selected without a token check.
        case apiKey
    }

    /// `integrations.service`, e.g. `monzo`.
    public let service: String
    public let authentication: Authentication
    /// The type an empty or NULL `instance_type` counts as (Monzo: `transactions`).
    public let defaultInstanceType: String
    /// `instance_type` → the PHP fetch job class (a `BaseFetchJob`: `$integration`, `$serviceName`).
    public let jobs: [String: String]

    public init(service: String, authentication: Authentication, defaultInstanceType: String, jobs: [String: String]) {
        self.service = service
        self.authentication = authentication
        self.defaultInstanceType = defaultInstanceType
        self.jobs = jobs
    }

    /// The job class for `instanceType`; nil for a type the app maps to no job (`default => []`).
    public func jobClass(instanceType: String?) -> String? {
        let type = instanceType.flatMap { $0.isEmpty ? nil : $0 } ?? defaultInstanceType
        return jobs[type]
    }
}
