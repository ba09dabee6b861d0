import Foundation
import PHPSerialization

/// Reads a serialized `DateTimeInterface` (`DateTime`, `DateTimeImmutable`, Carbon): `date`
/// (`Y-m-d H:i:s.u`), `timezone_type` 1 (offset), 2 (abbreviation) or 3 (identifier), `timezone`.
enum PHPDateTime {
    /// Unix seconds (what `getTimestamp()` returns), nil when this is not a date object Shuttle can read.
    static func timestamp(_ object: PHPObject) -> Int? {
        guard let date = object["date"]?.stringValue, let zoneName = object["timezone"]?.stringValue else { return nil }
        guard let zone = timeZone(zoneName) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        guard let parsed = formatter.date(from: String(date.prefix(19))) else { return nil }
        return Int(parsed.timeIntervalSince1970.rounded(.down))
    }

    private static func timeZone(_ name: String) -> TimeZone? {
        if let sign = name.first, sign == "+" || sign == "-" {
            let digits = name.dropFirst().split(separator: ":")
            guard let h = Int(digits.first ?? ""), let m = Int(digits.count > 1 ? digits[1] : "0") else { return nil }
            return TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (h * 3600 + m * 60))
        }
        return TimeZone(identifier: name) ?? TimeZone(abbreviation: name)
    }
}
