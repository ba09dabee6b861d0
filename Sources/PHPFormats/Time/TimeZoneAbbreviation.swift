import PHPSerialization
/// Zone abbreviations as PHP reads them in a serialized `DateTime` with `timezone_type` 2: each one a fixed
/// offset, daylight saving included (`BST` is always UTC+1), never a zone with rules. PHP's own table is
/// far longer; these are the ones apps realistically serialize, with the offsets PHP 8 gives them (where an
/// abbreviation is ambiguous PHP picks one: `IST` is Israel's, `KST` the historical +08:30).
enum TimeZoneAbbreviation {
    static let offsets: [String: Int] = [
        "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
        "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
        "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
        "AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
        "BST": 3600, "WEST": 3600, "CET": 3600, "CEST": 2 * 3600, "EET": 2 * 3600, "EEST": 3 * 3600,
        "IST": 2 * 3600, "SAST": 2 * 3600, "MSK": 3 * 3600, "WIB": 7 * 3600, "HKT": 8 * 3600,
        "AWST": 8 * 3600, "KST": 8 * 3600 + 1800, "JST": 9 * 3600, "ACST": 9 * 3600 + 1800,
        "ACDT": 10 * 3600 + 1800, "AEST": 10 * 3600, "AEDT": 11 * 3600, "NZST": 12 * 3600, "NZDT": 13 * 3600,
    ]

    /// Seconds east of UTC, nil for an abbreviation not in the table. Case does not matter, as in PHP.
    static func offset(_ name: String) -> Int? {
        offsets[name.uppercased()]
    }
}
