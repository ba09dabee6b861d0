/// A row of `integration_groups`: one connected account (OAuth tokens or webhook secret). Tokens are not
/// read: these jobs never call an API, and a secret read is a secret that can leak into a log.
public struct IntegrationGroup: Sendable, Hashable {
    public var id: String
    public var userId: String
    public var service: String
    public var accountId: String?

    public init(id: String, userId: String, service: String, accountId: String?) {
        self.id = id
        self.userId = userId
        self.service = service
        self.accountId = accountId
    }
}
