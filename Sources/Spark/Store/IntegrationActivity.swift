/// One integration's last runs and the rows written under it: what `shuttle status` shows per integration.
/// Objects have no `integration_id` (the app stopped writing it, spec §12), so they count as the distinct
/// actors and targets of the integration's events.
public struct IntegrationActivity: Sendable, Hashable {
    public var id: String
    public var service: String?
    public var instanceType: String?
    public var name: String?
    public var lastTriggeredAt: String?
    public var lastSuccessfulUpdateAt: String?
    public var events: Int
    public var objects: Int
    public var blocks: Int
}
