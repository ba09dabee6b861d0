import PHPSerialization

/// Reads a serialized `DateTimeInterface` (`DateTime`, `DateTimeImmutable`, Carbon): `date`
/// (`Y-m-d H:i:s.u`), `timezone_type` 1 (offset), 2 (abbreviation) or 3 (identifier), `timezone`.
package enum PHPDateTime {
    /// Unix seconds (what `getTimestamp()` returns), nil when this is not a date object Shuttle can read.
    package static func timestamp(_ object: PHPObject) -> Int? {
        guard let date = object["date"]?.stringValue, let zoneName = object["timezone"]?.stringValue,
              let local = localSeconds(date) else { return nil }
        switch object["timezone_type"]?.intValue {
        case 1: return offset(zoneName).map { Int(local) - $0 }
        case 2: return TimeZoneAbbreviation.offset(zoneName).map { Int(local) - $0 }
        case 3: return ZoneInfo(identifier: zoneName).map { Int($0.instant(local: local)) }
        default:
            if let offset = offset(zoneName) { return Int(local) - offset }
            if let zone = ZoneInfo(identifier: zoneName) { return Int(zone.instant(local: local)) }
            return TimeZoneAbbreviation.offset(zoneName).map { Int(local) - $0 }
        }
    }

    /// `Y-m-d H:i:s` (the first 19 characters; microseconds do not change the Unix seconds) as wall-clock
    /// seconds since the epoch.
    static func localSeconds(_ date: String) -> Int64? {
        let b = Array(date.utf8.prefix(19))
        guard b.count == 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        func field(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for c in b[start..<start + length] {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(c - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = field(0, 4), let month = field(5, 2), let day = field(8, 2), let hour = field(11, 2),
              let minute = field(14, 2), let second = field(17, 2), (1...12).contains(month),
              (1...CivilTime.daysInMonth(year: year, month: month)).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        return CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).seconds
    }

    /// `+05:30` / `-03:00` in seconds east of UTC.
    private static func offset(_ name: String) -> Int? {
        guard let sign = name.first, sign == "+" || sign == "-" else { return nil }
        let digits = name.dropFirst().split(separator: ":")
        guard let h = Int(digits.first ?? ""), let m = Int(digits.count > 1 ? digits[1] : "0") else { return nil }
        return (sign == "-" ? -1 : 1) * (h * 3600 + m * 60)
    }
}
