/// What `upsertEvents` did: the id and stored time of every event written, and the keys it had to leave
/// alone because a soft-deleted row holds them.
public struct EventUpsert: Sendable {
    public var ids: [EventKey: String] = [:]
    public var times: [EventKey: String] = [:]
    public var skipped: [EventKey] = []
    /// Ids of the events this call inserted: they can have no blocks yet, so `upsertBlocks` need not look.
    public var created: Set<String> = []

    public init() {}
}
