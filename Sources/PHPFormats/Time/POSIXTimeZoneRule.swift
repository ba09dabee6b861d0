import PHPSerialization
/// The POSIX `TZ` string in a TZif file's footer (e.g. `GMT0BST,M3.5.0/1,M10.5.0`): the rule for every
/// instant after the file's last stored transition. RFC 8536 §3.3 extensions included (`<+0530>` names,
/// transition times from -167 to 167 hours).
struct POSIXTimeZoneRule: Hashable, Sendable {
    /// Seconds east of UTC outside daylight saving time.
    let standardOffset: Int
    let daylight: Daylight?

    struct Daylight: Hashable, Sendable {
        /// Seconds east of UTC during daylight saving time.
        let offset: Int
        let start: Transition
        let end: Transition
    }

    /// When a change happens, in the local time in effect just before it.
    struct Transition: Hashable, Sendable {
        let date: DateRule
        /// Seconds after local midnight of `date` (may be negative or beyond a day).
        let time: Int
    }

    enum DateRule: Hashable, Sendable {
        /// `Jn`: day 1...365, February 29 never counted.
        case julian(Int)
        /// `n`: day 0...365, February 29 counted in leap years.
        case zeroBased(Int)
        /// `Mm.w.d`: weekday `d` (0 = Sunday) of week `w` (1...5, 5 = the last) of month `m`.
        case monthWeekDay(month: Int, week: Int, weekday: Int)
    }

    init(standardOffset: Int, daylight: Daylight?) {
        self.standardOffset = standardOffset
        self.daylight = daylight
    }

    /// Nil when `text` is not a valid TZ string.
    init?(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard scanner.skipName(), let standard = scanner.offset() else { return nil }
        standardOffset = -standard
        if scanner.atEnd { daylight = nil; return }
        guard scanner.skipName() else { return nil }
        var daylightOffset = standardOffset + 3600
        if !scanner.atEnd, scanner.peek != UInt8(ascii: ",") {
            guard let value = scanner.offset() else { return nil }
            daylightOffset = -value
        }
        let start: Transition, end: Transition
        if scanner.atEnd {
            // No rule: POSIX leaves it to the implementation; glibc and tzcode use the US rules.
            start = Transition(date: .monthWeekDay(month: 3, week: 2, weekday: 0), time: 7200)
            end = Transition(date: .monthWeekDay(month: 11, week: 1, weekday: 0), time: 7200)
        } else {
            guard scanner.skip(","), let s = scanner.transition(), scanner.skip(","), let e = scanner.transition(),
                  scanner.atEnd else { return nil }
            start = s; end = e
        }
        daylight = Daylight(offset: daylightOffset, start: start, end: end)
    }

    /// Seconds east of UTC at `instant` (seconds since the epoch).
    func offset(at instant: Int64) -> Int {
        guard let daylight else { return standardOffset }
        let year = CivilTime(seconds: instant + Int64(standardOffset)).year
        let start = Self.localSeconds(daylight.start, year: year) - Int64(standardOffset)
        let end = Self.localSeconds(daylight.end, year: year) - Int64(daylight.offset)
        let inDaylight = start < end ? (start <= instant && instant < end) : !(end <= instant && instant < start)
        return inDaylight ? daylight.offset : standardOffset
    }

    /// The offset at `instant` and the latest change at or before it (nil without daylight saving time).
    func period(at instant: Int64) -> (offset: Int, since: Int64?) {
        let offset = offset(at: instant)
        guard let daylight else { return (offset, nil) }
        let year = CivilTime(seconds: instant + Int64(standardOffset)).year
        var since: Int64?
        for y in year - 1...year {
            let changes = [
                (Self.localSeconds(daylight.start, year: y) - Int64(standardOffset), daylight.offset),
                (Self.localSeconds(daylight.end, year: y) - Int64(daylight.offset), standardOffset),
            ]
            for (time, to) in changes where to == offset && time <= instant && time > (since ?? .min) { since = time }
        }
        return (offset, since)
    }

    /// The transition's local wall-clock time in `year`, as seconds since the epoch.
    static func localSeconds(_ transition: Transition, year: Int) -> Int64 {
        let january1 = CivilTime.days(year: year, month: 1, day: 1)
        let day: Int64
        switch transition.date {
        case .julian(let n):
            day = january1 + Int64(n - 1) + (CivilTime.isLeapYear(year) && n >= 60 ? 1 : 0)
        case .zeroBased(let n):
            day = january1 + Int64(n)
        case .monthWeekDay(let month, let week, let weekday):
            let first = CivilTime.days(year: year, month: month, day: 1)
            var dayOfMonth = 1 + (weekday - CivilTime.weekday(days: first) + 7) % 7 + (week - 1) * 7
            let length = CivilTime.daysInMonth(year: year, month: month)
            while dayOfMonth > length { dayOfMonth -= 7 }
            day = first + Int64(dayOfMonth - 1)
        }
        return day * 86_400 + Int64(transition.time)
    }

    /// Reads a TZ string byte by byte.
    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard peek == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        /// A zone abbreviation: letters, or anything but `>` between `<` and `>`.
        mutating func skipName() -> Bool {
            if skip("<") {
                let start = index
                while let c = peek, c != UInt8(ascii: ">") { index += 1 }
                return index > start && skip(">")
            }
            let start = index
            while let c = peek, (c | 0x20) >= UInt8(ascii: "a"), (c | 0x20) <= UInt8(ascii: "z") { index += 1 }
            return index - start >= 3
        }

        mutating func number() -> Int? {
            let start = index
            var value = 0
            while let c = peek, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9"), index - start < 6 {
                value = value * 10 + Int(c - UInt8(ascii: "0"))
                index += 1
            }
            return index > start ? value : nil
        }

        /// `[+-]hh[:mm[:ss]]` in seconds, sign as written (POSIX offsets count west of UTC).
        mutating func offset() -> Int? {
            var sign = 1
            if skip("-") { sign = -1 } else { _ = skip("+") }
            guard let hours = number(), hours <= 167 else { return nil }
            var seconds = hours * 3600
            if skip(":") {
                guard let minutes = number(), minutes < 60 else { return nil }
                seconds += minutes * 60
                if skip(":") {
                    guard let s = number(), s < 60 else { return nil }
                    seconds += s
                }
            }
            return sign * seconds
        }

        /// `date[/time]`, the time 02:00 when absent.
        mutating func transition() -> Transition? {
            let date: DateRule
            if skip("J") {
                guard let n = number(), (1...365).contains(n) else { return nil }
                date = .julian(n)
            } else if skip("M") {
                guard let m = number(), (1...12).contains(m), skip("."), let w = number(), (1...5).contains(w),
                      skip("."), let d = number(), (0...6).contains(d) else { return nil }
                date = .monthWeekDay(month: m, week: w, weekday: d)
            } else {
                guard let n = number(), (0...365).contains(n) else { return nil }
                date = .zeroBased(n)
            }
            var time = 7200
            if skip("/") {
                guard let t = offset() else { return nil }
                time = t
            }
            return Transition(date: date, time: time)
        }
    }
}
