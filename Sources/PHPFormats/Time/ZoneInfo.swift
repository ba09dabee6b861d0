#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization

/// A time zone of the system's tz database (`/usr/share/zoneinfo`, the data PHP's bundled timelib copy
/// also comes from), read from its TZif file: Foundation only knows named zones through ICU, which costs
/// several megabytes of resident memory in every worker.
public struct ZoneInfo: Hashable, Sendable {
    /// The name it was loaded by (`Europe/London`), or `UTC`, or a fixed offset's `+05:30`.
    public let identifier: String
    /// UTC instants at which the local time type changes, ascending.
    let transitions: [Int64]
    /// The index into `types` taking effect at each transition.
    let transitionTypes: [UInt8]
    let types: [LocalTimeType]
    /// The rule after the last transition.
    let footer: POSIXTimeZoneRule?

    struct LocalTimeType: Hashable, Sendable {
        /// Seconds east of UTC.
        let offset: Int
        let isDaylight: Bool
    }

    init(identifier: String, transitions: [Int64], transitionTypes: [UInt8], types: [LocalTimeType],
         footer: POSIXTimeZoneRule?) {
        self.identifier = identifier
        self.transitions = transitions
        self.transitionTypes = transitionTypes
        self.types = types
        self.footer = footer
    }

    public static let utc = ZoneInfo(identifier: "UTC", fixedOffset: 0)

    /// A zone that is always `seconds` east of UTC.
    public init(identifier: String, fixedOffset seconds: Int) {
        self.init(identifier: identifier, transitions: [], transitionTypes: [],
                  types: [LocalTimeType(offset: seconds, isDaylight: false)], footer: nil)
    }

    /// The zone named `identifier` (`Europe/London`, `UTC`), nil when the tz database has no such file.
    /// `directory` defaults to `$TZDIR`, else `/usr/share/zoneinfo`.
    public init?(identifier: String, directory: String? = nil) {
        if identifier == "UTC" { self = .utc; return }
        guard Self.isValidName(identifier) else { return nil }
        let root = directory ?? ProcessInfo.processInfo.environment["TZDIR"] ?? "/usr/share/zoneinfo"
        guard let data = FileManager.default.contents(atPath: root + "/" + identifier) else { return nil }
        self.init(identifier: identifier, tzif: [UInt8](data))
    }

    /// Seconds east of UTC at `instant` (seconds since the epoch).
    public func offset(at instant: Int64) -> Int {
        period(at: instant).offset
    }

    /// The offset in effect at `instant` and the transition that brought it (nil: none known).
    func period(at instant: Int64) -> (offset: Int, since: Int64?) {
        guard let last = transitions.last else { return footer?.period(at: instant) ?? (types[0].offset, nil) }
        if instant < transitions[0] { return (types[0].offset, nil) }
        if instant > last, let footer {
            let period = footer.period(at: instant)
            return (period.offset, max(period.since ?? last, last))
        }
        // The last transition at or before `instant`.
        var low = 0, high = transitions.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if transitions[mid] <= instant { low = mid } else { high = mid - 1 }
        }
        return (types[Int(transitionTypes[low])].offset, transitions[low])
    }

    /// The instant whose wall-clock time here is `local` (the fields read as UTC seconds), resolved as PHP's
    /// timelib does: it first reads `local` as UTC to guess the offset, so of a time that happens twice
    /// (clocks going back) zones east of UTC get the second, zones west the first; a time skipped by clocks
    /// going forward is read with the offset from before the change (02:30 becomes 03:30 summer time).
    public func instant(local: Int64) -> Int64 {
        let current = Int64(period(at: local).offset)
        let after = period(at: local - current)
        let actual = Int64(after.offset)
        let inTransition = after.since.map { local - actual >= $0 + (current - actual) && local - actual < $0 } ?? false
        return local - (current != actual && !inTransition ? actual : current)
    }

    /// A relative path inside the tz directory, nothing that could leave it.
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255, !name.hasPrefix("/") else { return false }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            guard !component.isEmpty, component != ".", component != ".." else { return false }
        }
        return name.utf8.allSatisfy { c in
            (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) || c == UInt8(ascii: "/")
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
        }
    }
}
