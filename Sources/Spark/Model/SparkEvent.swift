import PHPFormats

/// An upsert of `events` keyed by (`integration_id`, `source_id`); actor and target are objects of the
/// same job, named by key. `embeddings` is never written here; `actor_metadata` and `target_metadata` only by
/// jobs whose PHP original sets them (BaseProcessingJob's `createEvents` writes `[]`), on insert.
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
    /// nil: NULL (Monzo's `updateOrCreate` never sets them).
    public var actorMetadata: JSONValue?
    public var targetMetadata: JSONValue?

    public init(key: EventKey, time: String, actor: ObjectKey, target: ObjectKey, service: String, domain: String,
                action: String, value: Int64?, valueMultiplier: Int64 = 1, valueUnit: String?, eventMetadata: JSONValue,
                actorMetadata: JSONValue? = nil, targetMetadata: JSONValue? = nil) {
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
        self.actorMetadata = actorMetadata
        self.targetMetadata = targetMetadata
    }
}
