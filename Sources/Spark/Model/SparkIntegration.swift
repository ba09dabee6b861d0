import PHPFormats

/// A row of `integrations` (the app's `App\Models\Integration`; not the seam's `Integration` protocol): one
/// instance of a service inside a group (Monzo's `accounts`, `transactions`,
/// `pots`, `balances`), with the relations a job's ModelIdentifier asked for.
public struct SparkIntegration: Sendable, Hashable {
    public static let phpClass = "App\\Models\\Integration"

    public var id: String
    public var userId: String
    public var integrationGroupId: String?
    public var service: String?
    public var name: String?
    public var instanceType: String?
    public var accountId: String?
    /// `configuration` (jsonb), e.g. `{"update_frequency_minutes": 30}`.
    public var configuration: JSONValue?
    /// `YYYY-MM-DD HH:MM:SS` (UTC), as the other datetimes here.
    public var lastTriggeredAt: String?
    public var lastSuccessfulUpdateAt: String?
    public var deletedAt: String?
    /// Loaded when the ModelIdentifier lists `user` (or when a job needs it).
    public var user: SparkUser?
    /// Loaded when the ModelIdentifier lists `group`; nil also when the integration has none.
    public var group: IntegrationGroup?

    public init(id: String, userId: String, integrationGroupId: String? = nil, service: String? = nil, name: String? = nil,
                instanceType: String? = nil, accountId: String? = nil, configuration: JSONValue? = nil,
                lastTriggeredAt: String? = nil, lastSuccessfulUpdateAt: String? = nil, deletedAt: String? = nil,
                user: SparkUser? = nil, group: IntegrationGroup? = nil) {
        self.id = id
        self.userId = userId
        self.integrationGroupId = integrationGroupId
        self.service = service
        self.name = name
        self.instanceType = instanceType
        self.accountId = accountId
        self.configuration = configuration
        self.lastTriggeredAt = lastTriggeredAt
        self.lastSuccessfulUpdateAt = lastSuccessfulUpdateAt
        self.deletedAt = deletedAt
        self.user = user
        self.group = group
    }
}
