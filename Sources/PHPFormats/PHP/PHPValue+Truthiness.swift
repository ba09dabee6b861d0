import PHPSerialization

extension PHPValue {
    /// PHP's `(bool)`, what `if`, `?:` and `!` test: false for null, false, 0, 0.0 and -0.0, "" and "0",
    /// and the empty array; true for everything else — NaN, "0.0", " ", and every object (an empty one too).
    ///
    /// An `R:` reference is true here: it names a slot of the serialized whole that this value cannot see
    /// (PHP would test the referenced value); `r:` always names an object, so it is true in PHP too.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let bytes): return !(bytes.isEmpty || bytes == [UInt8(ascii: "0")])
        case .array(let array): return array.count > 0
        case .object, .custom, .enumCase, .objectReference, .reference: return true
        }
    }
}
