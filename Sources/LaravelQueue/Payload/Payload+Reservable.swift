import PHPFormats
/// What Laravel's pop script needs of a payload to reserve it: `attempts + 1` in Lua, then `cjson.encode`.
///
/// Laravel's script errors on anything else after its LPOP (the job is lost); Shuttle's quarantines it as a
/// failed job (`QueueScripts.pop`). `shuttle inspect` says so rather than showing such a payload as a job.
extension Payload {
    /// Why the pop script cannot reserve this payload, in one line; nil when it can.
    public var unreservableReason: String? {
        guard let attempts = json["attempts"], let number = Self.luaNumber(attempts) else {
            return "no numeric \"attempts\": Laravel's pop script cannot reserve it (a Shuttle worker quarantines it as a failed job)"
        }
        // cjson refuses to encode inf and NaN, which its decoder makes of numbers beyond a double (1e400).
        guard (number + 1).isFinite, !Self.containsNonFiniteNumber(.object(json)) else {
            return "a number beyond a double's range (cjson reads it as inf and cannot write it back): Laravel's pop script cannot reserve it (a Shuttle worker quarantines it as a failed job)"
        }
        return nil
    }

    /// Lua 5.1's `tonumber` of a decoded JSON value: numbers, and strings `strtod` reads whole (surrounding
    /// C whitespace allowed, hex and `inf` included); nil for the rest (null, booleans, tables).
    static func luaNumber(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let n): return n.doubleValue
        case .string(let bytes):
            let isSpace: (UInt8) -> Bool = { $0 == 0x20 || (0x09...0x0D).contains($0) }
            // Lua hands C its string: the number ends at a NUL.
            var text = bytes.prefix { $0 != 0 }[...]
            while let first = text.first, isSpace(first) { text = text.dropFirst() }
            while let last = text.last, isSpace(last) { text = text.dropLast() }
            return Double(String(decoding: text, as: UTF8.self))
        default: return nil
        }
    }

    static func containsNonFiniteNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let n): return !n.doubleValue.isFinite
        case .array(let elements): return elements.contains(where: containsNonFiniteNumber)
        case .object(let object): return object.members.contains { containsNonFiniteNumber($0.value) }
        case .null, .bool, .string: return false
        }
    }
}
