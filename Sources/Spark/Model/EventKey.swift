/// `events`' unique key: (`integration_id`, `source_id`), soft-deleted rows included.
public struct EventKey: Sendable, Hashable, CustomStringConvertible {
    public var integrationId: String
    public var sourceId: String

    public init(integrationId: String, sourceId: String) {
        self.integrationId = integrationId
        self.sourceId = sourceId
    }

    public var description: String { sourceId }
}
