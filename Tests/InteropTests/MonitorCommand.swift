import Foundation

/// One line of `redis-cli MONITOR`: `<unix time> [<db> <client address | lua>] "CMD" "arg" …`.
///
/// Arguments are Redis' `sdscatrepr` quoting: `\"`, `\\`, `\n`, `\r`, `\t`, `\a`, `\b` and `\xHH` for every
/// other non-printable byte (so UTF-8 arrives as `\xc3\xa9`); they are decoded back to the exact bytes.
struct MonitorCommand: Equatable, Sendable {
    enum Origin: Equatable, Sendable {
        case client(String)
        /// Run by a script (`redis.call`), shown right after the EVAL/EVALSHA that ran it.
        case lua
    }

    var time: Double
    var database: Int
    var origin: Origin
    /// The command name first, as the client or script spelled it.
    var arguments: [[UInt8]]

    var name: String { String(decoding: arguments.first ?? [], as: UTF8.self) }

    /// Parses a whole capture; lines that are not commands (`OK`, blank) are skipped.
    static func parse(trace: String) -> [MonitorCommand] {
        trace.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { parse(line: String($0)) }
    }

    static func parse(line: String) -> MonitorCommand? {
        let bytes = Array(line.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "[")),
              let close = bytes[open...].firstIndex(of: UInt8(ascii: "]")),
              let time = Double(String(decoding: bytes[..<open], as: UTF8.self).trimmingCharacters(in: .whitespaces))
        else { return nil }
        let inside = String(decoding: bytes[(open + 1)..<close], as: UTF8.self).split(separator: " ", maxSplits: 1)
        guard inside.count == 2, let database = Int(inside[0]) else { return nil }
        let origin: Origin = inside[1] == "lua" ? .lua : .client(String(inside[1]))
        guard let arguments = quotedArguments(bytes[(close + 1)...]), !arguments.isEmpty else { return nil }
        return MonitorCommand(time: time, database: database, origin: origin, arguments: arguments)
    }

    private static func quotedArguments(_ text: ArraySlice<UInt8>) -> [[UInt8]]? {
        var result: [[UInt8]] = []
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == UInt8(ascii: " ") { i += 1; continue }
            guard text[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var argument: [UInt8] = []
            var closed = false
            while i < text.endIndex {
                let c = text[i]
                if c == UInt8(ascii: "\"") { closed = true; i += 1; break }
                guard c == UInt8(ascii: "\\"), i + 1 < text.endIndex else { argument.append(c); i += 1; continue }
                let e = text[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): argument.append(0x0a)
                case UInt8(ascii: "r"): argument.append(0x0d)
                case UInt8(ascii: "t"): argument.append(0x09)
                case UInt8(ascii: "a"): argument.append(0x07)
                case UInt8(ascii: "b"): argument.append(0x08)
                case UInt8(ascii: "x"):
                    guard i + 1 < text.endIndex,
                          let value = UInt8(String(decoding: text[i..<(i + 2)], as: UTF8.self), radix: 16) else { return nil }
                    argument.append(value)
                    i += 2
                default: argument.append(e) // \" and \\
                }
            }
            guard closed else { return nil }
            result.append(argument)
        }
        return result
    }
}
