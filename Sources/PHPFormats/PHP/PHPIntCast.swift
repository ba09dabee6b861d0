import PHPSerialization

/// PHP 8's `(int) $value`, which the file store's `increment` applies to whatever the file holds
/// (a missing value is `null`, so 0).
package enum PHPIntCast {
    package static func int(_ value: PHPValue?) -> Int {
        switch value {
        case nil, .null?: return 0
        case .bool(let b)?: return b ? 1 : 0
        case .int(let v)?: return v
        case .double(let d)?: return truncated(d)
        case .string(let bytes)?: return leadingNumber(bytes)
        case .array(let a)?: return a.count == 0 ? 0 : 1
        default: return 1
        }
    }

    /// Out-of-range and non-finite floats become 0 (PHP 8 on 64-bit platforms wraps or zeroes them).
    private static func truncated(_ d: Double) -> Int {
        d.isFinite ? Int(exactly: d.rounded(.towardZero)) ?? 0 : 0
    }

    /// The longest numeric prefix after leading whitespace (`"12abc"` → 12, `"1e3"` → 1000, `"abc"` → 0);
    /// an integer prefix beyond Int's range saturates, as `strtol` does.
    private static func leadingNumber(_ bytes: [UInt8]) -> Int {
        let space: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C]
        var i = bytes.startIndex
        while i < bytes.endIndex, space.contains(bytes[i]) { i += 1 }
        let start = i
        func digits() -> Int {
            let from = i
            while i < bytes.endIndex, (48...57).contains(bytes[i]) { i += 1 }
            return i - from
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var mantissa = digits()
        let integerEnd = i
        var isFloat = false
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
            let dot = i
            i += 1
            let fraction = digits()
            if mantissa + fraction == 0 { i = dot } else { isFloat = fraction > 0 || mantissa > 0 }
            mantissa += fraction
        }
        guard mantissa > 0 else { return 0 }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            let mark = i
            i += 1
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            if digits() > 0 { isFloat = true } else { i = mark }
        }
        if !isFloat || i == integerEnd {
            let text = String(decoding: bytes[start..<integerEnd], as: UTF8.self)
            if let v = Int(text) { return v }
            return bytes[start] == UInt8(ascii: "-") ? Int.min : Int.max
        }
        return truncated(Double(String(decoding: bytes[start..<i], as: UTF8.self)) ?? 0)
    }
}
