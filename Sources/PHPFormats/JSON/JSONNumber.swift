import PHPSerialization

/// A JSON number kept as the exact text it was read or written as.
///
/// Redis' cjson re-prints numbers with 14 significant digits and PHP prints ints beyond 2^53 exactly;
/// keeping the text means nothing is lost or re-rounded until someone asks for a value.
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The number's JSON text, e.g. `7`, `-0`, `1.2345678901235e+16`.
    public let text: String

    /// Wraps `text` if it is a valid JSON number.
    public init?(text: String) {
        guard JSONNumber.isValid(Array(text.utf8)) else { return nil }
        self.text = text
    }

    init(unchecked text: String) { self.text = text }

    public init(_ value: Int) { text = String(value) }

    /// A double printed the way PHP's `json_encode` prints it (`serialize_precision = -1`).
    /// Returns nil for NAN and INF, which PHP refuses to encode.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        text = PHPFloatFormat.json(value)
    }

    public var description: String { text }

    /// True when the text has no fraction or exponent (PHP's `json_decode` then yields an int if it fits).
    public var isIntegerLiteral: Bool { !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) }

    /// The value as PHP's `json_decode` would type it: int for integer literals that fit, else float.
    public var phpValue: PHPValue {
        if isIntegerLiteral, let v = Int(text) { return .int(v) }
        return .double(doubleValue)
    }

    public var doubleValue: Double { Double(text) ?? .nan }

    /// The value when it is a whole number that fits in an Int: `3`, `3.0`, `1e+16` all qualify.
    public var integerValue: Int? {
        if isIntegerLiteral, let v = Int(text) { return v }
        let d = doubleValue
        guard d.isFinite, d.rounded(.towardZero) == d, let v = Int(exactly: d) else { return nil }
        return v
    }

    /// The number as PHP would print it after `json_decode` + `json_encode` (ints verbatim, floats re-formatted).
    public var phpCanonical: JSONNumber {
        switch phpValue {
        case .int(let v): return JSONNumber(v)
        case .double(let d): return JSONNumber(d) ?? self
        default: return self
        }
    }

    /// JSON grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    static func isValid(_ b: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            if digits() == 0 { return false }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == b.count
    }
}
