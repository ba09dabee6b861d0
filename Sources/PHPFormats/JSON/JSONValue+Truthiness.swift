import PHPSerialization

extension JSONValue {
    /// PHP's `(bool)` of what `json_decode($json, true)` makes of this value, as Laravel decodes payloads:
    /// objects become arrays, so `{}` is false like `[]`; numbers are tested as the int or float PHP reads
    /// (`0e5`, `-0.0` and `1e-400` are false, `1e400` is INF and true). See `PHPValue.isTruthy`.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .number(let number): return number.phpValue.isTruthy
        case .string(let bytes): return PHPValue.string(bytes).isTruthy
        case .array(let elements): return !elements.isEmpty
        case .object(let object): return !object.isEmpty
        }
    }
}
