/// Which SQL flavour a connection speaks; callers write `?` placeholders for both.
public enum SQLDialect: Sendable, Hashable {
    case sqlite
    case postgres

    /// The statement as this dialect's server expects it: for PostgreSQL each `?` outside quotes and
    /// comments becomes `$1`, `$2`…, and `??` becomes a literal `?` (PDO's escape, for jsonb operators).
    public func prepare(_ sql: String) -> String {
        switch self {
        case .sqlite: return sql
        case .postgres: return Self.numberPlaceholders(sql)
        }
    }

    /// Quotes an identifier (table or column name) the same way for both dialects.
    public func quote(identifier: String) -> String {
        var quoted = "\""
        for scalar in identifier.unicodeScalars {
            if scalar == "\"" { quoted.unicodeScalars.append(scalar) }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }

    private static func numberPlaceholders(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var i = 0, n = 0
        func copy(until end: Int) {
            let stop = min(end, bytes.count)
            out.append(contentsOf: bytes[i..<stop]); i = stop
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // Quoted literal or identifier; a doubled quote is an escaped quote.
                var j = i + 1
                while j < bytes.count {
                    if bytes[j] == c {
                        if j + 1 < bytes.count && bytes[j + 1] == c { j += 2; continue }
                        break
                    }
                    j += 1
                }
                copy(until: j + 1)
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                copy(until: (bytes[i...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count) + 1)
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                var j = i + 2
                while j + 1 < bytes.count && !(bytes[j] == UInt8(ascii: "*") && bytes[j + 1] == UInt8(ascii: "/")) { j += 1 }
                copy(until: j + 2)
            case UInt8(ascii: "?"):
                if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "?") {
                    out.append(c); i += 2
                } else {
                    n += 1
                    out.append(contentsOf: Array("$\(n)".utf8)); i += 1
                }
            default:
                out.append(c); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
