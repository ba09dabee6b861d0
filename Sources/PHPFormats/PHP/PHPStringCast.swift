import PHPSerialization

/// PHP's scalar conversions on unserialized values, for the places Shuttle evaluates what PHP code would:
/// string concatenation (`.`) and `(int)` casts. (`?:` tests: `PHPValue.isTruthy`.)
package enum PHPStringCast {
    /// `(string) $value` for scalars; arrays and objects have no string form here ("").
    package static func string(_ value: PHPValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "1" : ""
        case .int(let i): return String(i)
        case .double(let d): return PHPFloatFormat.serialize(d)
        case .string(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .enumCase(_, let name): return name
        default: return ""
        }
    }

    /// An integer when the value is a number or a numeric string.
    package static func int(_ value: PHPValue) -> Int? {
        switch value {
        case .int(let i): return i
        case .double(let d) where d.isFinite: return Int(d)
        case .bool(let b): return b ? 1 : 0
        case .string(let bytes): return Int(String(decoding: bytes, as: UTF8.self).trimmingSpaces())
        default: return nil
        }
    }
}
