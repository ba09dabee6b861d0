#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// "Now" for the Spark jobs: the real time, or a fixed instant (`SHUTTLE_NOW`, Laravel's
/// `Carbon::setTestNow`) so that data can be replayed, and tests run, at the clock PHP ran at.
public struct SparkClock: Sendable {
    /// The fixed instant (Unix seconds), nil for the real clock.
    public let fixed: Int64?

    public static let system = SparkClock(fixed: nil)

    public init(fixed: Int64?) {
        self.fixed = fixed
    }

    /// A clock stopped at `text` (`2025-10-25T23:40:00Z`; no offset means UTC); nil when it does not parse.
    public init?(fixedAt text: String) {
        guard let parsed = SparkTime.parse(text) else { return nil }
        fixed = parsed.unix
    }

    /// Reads `SHUTTLE_NOW`; says so in the log when set, since every row's times then come from it.
    public static func fromEnvironment(_ variables: [String: String], logger: Logger) throws -> SparkClock {
        guard let text = variables["SHUTTLE_NOW"], !text.isEmpty else { return .system }
        guard let clock = SparkClock(fixedAt: text) else {
            throw SparkError.configuration("SHUTTLE_NOW must be an ISO 8601 time such as 2025-10-25T23:40:00Z, got \(text)")
        }
        logger.info("clock fixed by SHUTTLE_NOW", metadata: ["now": "\(SparkTime.text(unix: clock.now)) UTC"])
        return clock
    }

    /// Unix seconds (second precision, as Eloquent writes).
    public var now: Int64 {
        fixed ?? Int64(Date().timeIntervalSince1970.rounded(.down))
    }

    /// `now()` as Eloquent writes it: `YYYY-MM-DD HH:MM:SS` (UTC).
    public var nowText: String { SparkTime.text(unix: now) }

    /// `today()` as `YYYY-MM-DD` (the app's time zone is UTC).
    public var today: String { SparkTime.date(unix: now) }
}
