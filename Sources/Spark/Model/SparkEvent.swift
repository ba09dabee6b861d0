import PHPFormats

/// An upsert of `events` keyed by (`integration_id`, `source_id`); actor and target are objects of the
/// same job, named by key. `actor_metadata`, `target_metadata` and `embeddings` are never written here.
public struct SparkEvent: Sendable, Hashable {
    public var key: EventKey
    public var time: String
    public var actor: ObjectKey
    public var target: ObjectKey
    public var service: String
    public var domain: String
    public var action: String
    public var value: Int64?
    /// PHP stores NULL multipliers as 1.
    public var valueMultiplier: Int64
    public var valueUnit: String?
    public var eventMetadata: JSONValue

    public init(key: EventKey, time: String, actor: ObjectKey, target: ObjectKey, service: String, domain: String,
                action: String, value: Int64?, valueMultiplier: Int64 = 1, valueUnit: String?, eventMetadata: JSONValue) {
        self.key = key
        self.time = time
        self.actor = actor
        self.target = target
        self.service = service
        self.domain = domain
        self.action = action
        self.value = value
        self.valueMultiplier = valueMultiplier
        self.valueUnit = valueUnit
        self.eventMetadata = eventMetadata
    }
}
