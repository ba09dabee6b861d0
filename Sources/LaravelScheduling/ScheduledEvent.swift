import Digests

/// One entry of a Laravel schedule that runs every minute (`Schedule::job(...)->everyMinute()`), with the two
/// guards whose cache keys Shuttle shares with PHP's scheduler. Only `everyMinute` is modelled: it is the one
/// frequency Shuttle schedules.
public struct ScheduledEvent: Sendable {
    /// `$event->description`: for `Schedule::job($job)` the job's class name (or its `displayName()`).
    public var description: String
    /// `withoutOverlapping($expiresAt)`: minutes the overlap mutex lives if never released (default 1440).
    public var withoutOverlapping: Int?
    /// `onOneServer()`: run by one host per minute.
    public var onOneServer: Bool
    /// What running the event does (for `Schedule::job`: push the job).
    public var action: @Sendable () async throws -> Void

    public init(description: String, withoutOverlapping: Int? = 1440, onOneServer: Bool = true,
                action: @escaping @Sendable () async throws -> Void) {
        self.description = description
        self.withoutOverlapping = withoutOverlapping
        self.onOneServer = onOneServer
        self.action = action
    }

    /// `CallbackEvent::mutexName()` (Laravel 8 to 13): `framework/schedule-` + sha1(description). (Command events
    /// hash the cron expression and command instead; a `Schedule::job` entry is a callback event.)
    public var mutexName: String { "framework/schedule-" + SHA1.hex(description.utf8) }

    /// `CacheSchedulingMutex`'s key for the minute starting at local wall-clock `hour`:`minute` (`format('Hi')`).
    public func serverMutexName(hour: Int, minute: Int) -> String {
        mutexName + (hour < 10 ? "0" : "") + String(hour) + (minute < 10 ? "0" : "") + String(minute)
    }
}
