import PHPFormats
/// The cache keys Laravel's queue commands leave for every worker sharing the cache: `queue:restart`'s
/// timestamp, and `queue:pause`'s flags (per queue from 12.40, all queues from 13.25). Keys before the
/// store's prefixes; `shuttle about` shows them as stored, the worker's `ControlSignals` reads them.
public enum QueueSignalKeys {
    public static let restart = "illuminate:queue:restart"
    /// 13.25+'s `queue:pause --all`.
    public static let allPaused = "illuminate:queues:paused"
    public static let perQueuePauseSince = LaravelVersion(12, 40)
    public static let allPausedSince = LaravelVersion(13, 25)

    /// `queue:pause <connection>:<queue>`'s flag.
    public static func paused(connection: String, queue: String) -> String {
        "illuminate:queue:paused:\(connection):\(queue)"
    }

    /// The pause keys a worker of `version` on `queues` watches; none before 12.40.
    public static func pause(version: LaravelVersion, connection: String, queues: [String]) -> [String] {
        guard version >= perQueuePauseSince else { return [] }
        var keys = queues.map { paused(connection: connection, queue: $0) }
        if version >= allPausedSince { keys.append(allPaused) }
        return keys
    }
}
