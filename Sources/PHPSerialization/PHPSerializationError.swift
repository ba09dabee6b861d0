/// Why `PHPUnserializer` refused its input, and at which byte.
public struct PHPSerializationError: Error, CustomStringConvertible, Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        case unexpectedEnd
        /// `expected` describes what the grammar allows here.
        case unexpectedByte(expected: String, found: UInt8)
        case unknownTag(UInt8)
        case invalidNumber
        case integerOverflow
        /// A declared string/class/data length runs past the end of the input.
        case lengthOverrun(Int)
        /// A declared element count cannot fit in the rest of the input (or the element limit).
        case countTooLarge(Int)
        /// A class name PHP would refuse, or one that is not UTF-8.
        case invalidClassName
        case invalidEnumCase
        /// An array key or property name that is neither `i:` nor `s:`.
        case invalidKey
        /// A property name that is not UTF-8 (it could not be written back byte for byte).
        case invalidPropertyName
        case duplicateKey
        /// `r:`/`R:` to a slot that does not exist yet (or, for `r:`, holds no object).
        case invalidReference(Int)
        case depthLimitExceeded(Int)
        case elementLimitExceeded(Int)
        case inputTooLong(Int)
        case trailingBytes
    }

    /// Offset of the offending byte from the start of the input (0-based).
    public var offset: Int
    public var reason: Reason

    public init(offset: Int, reason: Reason) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        "PHP unserialize failed at byte offset \(offset): \(reasonText)"
    }

    private var reasonText: String {
        switch reason {
        case .unexpectedEnd: return "unexpected end of input"
        case .unexpectedByte(let expected, let found): return "expected \(expected), found \(Self.show(found))"
        case .unknownTag(let tag): return "unknown type tag \(Self.show(tag))"
        case .invalidNumber: return "malformed number"
        case .integerOverflow: return "integer out of 64-bit range"
        case .lengthOverrun(let n): return "declared length \(n) runs past the end of the input"
        case .countTooLarge(let n): return "declared element count \(n) cannot fit in the remaining input or the element limit"
        case .invalidClassName: return "invalid class name"
        case .invalidEnumCase: return "invalid enum case (expected \"Class:Case\")"
        case .invalidKey: return "array key or property name must be i: or s:"
        case .invalidPropertyName: return "property name is not valid UTF-8"
        case .duplicateKey: return "duplicate array key or property name"
        case .invalidReference(let n): return "reference to slot \(n), which does not exist (or holds no object, for r:)"
        case .depthLimitExceeded(let n): return "nesting deeper than \(n)"
        case .elementLimitExceeded(let n): return "more than \(n) values"
        case .inputTooLong(let n): return "input longer than \(n) bytes"
        case .trailingBytes: return "trailing bytes after the value"
        }
    }

    private static func show(_ byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
        return "0x" + String(byte, radix: 16)
    }
}
