import PHPSerialization

/// Datetimes as the app's Eloquent models write them (spec §3.2): `YYYY-MM-DD HH:MM:SS`, the value's own
/// wall-clock time with offset and fraction dropped, which PostgreSQL then reads in the session time zone.
///
/// Arithmetic only (days from civil and back), so no Foundation calendar or time zone database is needed.
public enum SparkTime {
    /// `YYYY-MM-DD HH:MM:SS` of a Unix time in UTC.
    public static func text(unix: Int64) -> String {
        let days = floorDiv(unix, 86_400)
        let rest = unix - days * 86_400
        let (y, m, d) = civil(days: days)
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2)) \(pad(Int(rest / 3600), 2)):\(pad(Int(rest % 3600 / 60), 2)):\(pad(Int(rest % 60), 2))"
    }

    /// `YYYY-MM-DD` of a Unix time in UTC (the app's "today": its time zone is UTC).
    public static func date(unix: Int64) -> String {
        String(text(unix: unix).prefix(10))
    }

    /// What Eloquent stores for a value assigned to a datetime attribute, or nil when Carbon could not
    /// parse it (PHP throws; the caller skips the item). Numbers are Unix timestamps.
    public static func eloquent(_ value: PHPValue) -> String? {
        switch value {
        case .int(let seconds): return text(unix: Int64(seconds))
        case .double(let seconds) where seconds.isFinite: return text(unix: Int64(seconds.rounded(.down)))
        case .string:
            guard let parsed = parse(value.stringValue ?? "") else { return nil }
            return parsed.wallClock
        default: return nil
        }
    }

    /// A parsed ISO 8601 / SQL datetime: its wall-clock text and, when it carried an offset, the instant.
    public struct Parsed: Sendable, Equatable {
        public var wallClock: String
        /// Seconds east of UTC, when the text named an offset (`Z` is 0).
        public var offset: Int?

        /// The Unix time, reading a text without offset as UTC.
        public var unix: Int64 {
            let b = Array(wallClock.utf8)
            func field(_ s: Int, _ n: Int) -> Int { b[s..<s + n].reduce(0) { $0 * 10 + Int($1 - 48) } }
            let days = daysFromCivil(field(0, 4), field(5, 2), field(8, 2))
            return days * 86_400 + Int64(field(11, 2) * 3600 + field(14, 2) * 60 + field(17, 2)) - Int64(offset ?? 0)
        }
    }

    /// Reads `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS[.fraction]]` and an offset
    /// (`Z`, `±HH:MM`, `±HHMM`, `±HH`, with an optional space before it).
    public static func parse(_ text: String) -> Parsed? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= b.count else { return nil }
            var v = 0
            for c in b[i..<i + n] {
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year, month) else { return nil }
        var hour = 0, minute = 0, second = 0
        var offset: Int?
        if i < b.count {
            guard expect("T") || expect(" ") || expect("t"), let h = digits(2), expect(":"), let m = digits(2) else { return nil }
            hour = h; minute = m
            if expect(":") {
                guard let s = digits(2) else { return nil }
                second = s
                if expect(".") || expect(",") {
                    let start = i
                    while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
                    guard i > start else { return nil }
                }
            }
            guard hour < 24, minute < 60, second < 60 else { return nil }
            _ = expect(" ")
            if expect("Z") || expect("z") {
                offset = 0
            } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                var om = 0
                if expect(":") {
                    guard let v = digits(2) else { return nil }
                    om = v
                } else if i < b.count, let v = digits(2) {
                    om = v
                }
                offset = sign * (oh * 3600 + om * 60)
            }
            guard i == b.count else { return nil }
        }
        let wall = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        return Parsed(wallClock: wall, offset: offset)
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's `days_from_civil`.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    /// Howard Hinnant's `civil_from_days`.
    static func civil(days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d)
    }
}
