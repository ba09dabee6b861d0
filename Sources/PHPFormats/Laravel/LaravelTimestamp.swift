#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization

/// Laravel's database timestamp text (`Y-m-d H:i:s`, the query grammar's date format) in a given
/// timezone: `failed_at` is written in the app's timezone (`APP_TIMEZONE`, `config('app.timezone')`).
public enum LaravelTimestamp {
    public static func format(_ date: Date, timeZone: ZoneInfo) -> String {
        let instant = Int64(date.timeIntervalSince1970.rounded(.down))
        let c = CivilTime(seconds: instant + Int64(timeZone.offset(at: instant)))
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2)) \(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2))"
    }
}
