import PHPFormats
/// The four Redis keys of one Laravel queue (spec §1.2), before the connection's prefix.
///
/// The prefix is never part of these strings: like phpredis, the Redis client prepends it to key arguments.
public struct QueueKeys: Sendable, Hashable {
    /// The plain queue name (`default`): what `failed_jobs.queue`, events and Horizon record.
    public let name: String
    /// `queues:NAME` — the ready list.
    public let ready: String
    public let delayed: String
    public let reserved: String
    public let notify: String
    /// Shuttle's own list for list elements Laravel's pop script would lose (not JSON, no numeric `attempts`):
    /// they wait here until recorded as failed jobs, so a crash in between cannot lose them.
    public let quarantine: String

    /// - Parameter clusterHashTag: Laravel 13.5+ on a Redis Cluster wraps a name without a hash tag in `{…}`.
    public init(queue name: String, clusterHashTag: Bool = false) {
        self.name = name
        let keyName = clusterHashTag && !Self.hasHashTag(name) ? "{\(name)}" : name
        ready = "queues:\(keyName)"
        delayed = ready + ":delayed"
        reserved = ready + ":reserved"
        notify = ready + ":notify"
        quarantine = ready + ":shuttle-quarantine"
    }

    /// Laravel's rule: `{` followed later by `}` with at least one character between.
    static func hasHashTag(_ name: String) -> Bool {
        guard let open = name.firstIndex(of: "{") else { return false }
        let rest = name[name.index(after: open)...]
        guard let close = rest.firstIndex(of: "}") else { return false }
        return close > rest.startIndex
    }
}
