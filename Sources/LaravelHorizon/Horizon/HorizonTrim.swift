import LaravelQueue
import PHPFormats
import PHPSerialization
/// `horizon.trim.*`: how many minutes Horizon keeps each kind of job record (spec §8.3).
///
/// Horizon's published config sets these as literals (no env variables), so Shuttle uses the published
/// defaults unless a caller sets other values to match an app that changed them.
public struct HorizonTrim: Hashable, Sendable {
    public var recent: Int
    public var pending: Int
    public var completed: Int
    /// Horizon falls back to `failed` when this key is absent from the config.
    public var recentFailed: Int
    public var failed: Int
    public var monitored: Int

    public init(recent: Int = 60, pending: Int = 60, completed: Int = 60, recentFailed: Int = 10080,
                failed: Int = 10080, monitored: Int = 10080) {
        self.recent = recent; self.pending = pending; self.completed = completed
        self.recentFailed = recentFailed; self.failed = failed; self.monitored = monitored
    }
}
