import Foundation

/// Turns a MONITOR capture of one queue operation into what must be equal between Laravel's PHP and Shuttle.
///
/// Normalized away (legitimately different): connection set-up (SELECT, SCRIPT LOAD, …), client addresses,
/// EVAL vs EVALSHA and the script text or sha, timestamps (kept as an offset from the second the line was
/// logged), and payload `uuid`/`id` values (numbered in order of first appearance, so the same job must carry
/// the same number everywhere). Kept exactly: database, command names (also inside Lua), keys with their
/// prefix, scores' offsets, member and payload bytes.
struct MonitorNormalizer {
    /// Only top-level commands with an argument containing this (e.g. `queues:q-1a2b`) are kept, with the
    /// script calls that follow them; nil keeps everything.
    var marker: String?

    static let housekeeping: Set<String> = ["SELECT", "AUTH", "PING", "SCRIPT", "CLIENT", "HELLO", "INFO", "ECHO", "COMMAND", "MONITOR", "QUIT"]

    func normalize(_ commands: [MonitorCommand]) -> [NormalizedCommand] {
        var identities = PayloadIdentities()
        var result: [NormalizedCommand] = []
        var keepingScriptCalls = false
        for command in commands {
            if command.origin == .lua {
                if keepingScriptCalls { result.append(normalized(command, &identities)) }
                continue
            }
            keepingScriptCalls = false
            guard !Self.housekeeping.contains(command.name.uppercased()) else { continue }
            if let marker, !command.arguments.contains(where: { Self.contains($0, Array(marker.utf8)) }) { continue }
            keepingScriptCalls = true
            result.append(normalized(command, &identities))
        }
        return result
    }

    private func normalized(_ command: MonitorCommand, _ identities: inout PayloadIdentities) -> NormalizedCommand {
        let second = Int(command.time.rounded(.down))
        let upper = command.name.uppercased()
        let inScript = command.origin == .lua
        var rest = Array(command.arguments.dropFirst())
        if !inScript, upper == "EVAL" || upper == "EVALSHA", rest.count >= 2, let count = Int(String(decoding: rest[1], as: UTF8.self)) {
            rest.removeFirst(2)
            let keys = Array(rest.prefix(count))
            let argv = rest.dropFirst(count).map { token($0, second, &identities) }
            return NormalizedCommand(database: command.database, inScript: false, name: "EVAL", keys: keys, arguments: argv)
        }
        return NormalizedCommand(database: command.database, inScript: inScript, name: inScript ? command.name : upper,
                                 keys: nil, arguments: rest.map { token($0, second, &identities) })
    }

    private func token(_ bytes: [UInt8], _ second: Int, _ identities: inout PayloadIdentities) -> NormalizedCommand.Token {
        if bytes.count == 10, bytes.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(String(decoding: bytes, as: UTF8.self)),
           abs(value - second) < 10 * 365 * 86400 {
            return .time(offset: value - second)
        }
        return .bytes(identities.replace(in: bytes))
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }
}

/// Payload `uuid`s (UUIDs) and `id`s (`Str::random(32)`) become `<uuid#n>` / `<id#n>`, numbered per capture.
private struct PayloadIdentities {
    private var numbers: [String: Int] = [:]
    private static let pattern = try! NSRegularExpression(pattern: #""(uuid|id)":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9]{32})""#)

    mutating func replace(in bytes: [UInt8]) -> [UInt8] {
        guard bytes.first == UInt8(ascii: "{"), let text = String(bytes: bytes, encoding: .utf8) else { return bytes }
        let ns = text as NSString
        var output = ""
        var last = 0
        for match in Self.pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let field = ns.substring(with: match.range(at: 1))
            let value = ns.substring(with: match.range(at: 2))
            let number = numbers[field + ":" + value] ?? {
                let n = numbers.keys.filter { $0.hasPrefix(field + ":") }.count + 1
                numbers[field + ":" + value] = n
                return n
            }()
            output += ns.substring(with: NSRange(location: last, length: match.range.location - last))
            output += "\"\(field)\":\"<\(field)#\(number)>\""
            last = match.range.location + match.range.length
        }
        output += ns.substring(from: last)
        return Array(output.utf8)
    }
}

/// One command after normalization.
struct NormalizedCommand: Equatable, CustomStringConvertible {
    enum Token: Equatable {
        case bytes([UInt8])
        /// A Unix timestamp, as seconds after the second the command was logged.
        case time(offset: Int)
    }

    var database: Int
    var inScript: Bool
    /// Upper-cased for client commands (EVALSHA shows as EVAL); as written for script calls.
    var name: String
    /// EVAL only: its KEYS; `arguments` are then its ARGV.
    var keys: [[UInt8]]?
    var arguments: [Token]

    var description: String {
        func show(_ bytes: [UInt8]) -> String {
            let text = String(decoding: bytes, as: UTF8.self)
            return "\"" + (text.count > 120 ? String(text.prefix(117)) + "…" : text) + "\""
        }
        var parts = ["[\(database)\(inScript ? " lua" : "")]", name]
        if let keys { parts.append("keys(\(keys.map(show).joined(separator: " ")))") }
        for argument in arguments {
            switch argument {
            case .bytes(let b): parts.append(show(b))
            case .time(let offset): parts.append("<t\(offset >= 0 ? "+" : "")\(offset)>")
            }
        }
        return parts.joined(separator: " ")
    }
}
