import PHPSerialization
/// An ordered JSON value that round-trips PHP's and Redis cjson's output byte for byte.
///
/// Strings are UTF-8 bytes, not `String`: a value built from PHP data (e.g. a serialized command) may hold
/// invalid UTF-8, which PHP's `json_encode` refuses, and `JSONWriter` must refuse it the same way.
///
/// Not `indirect`: arrays and objects already hold their elements in heap storage, and boxing every value
/// cost a payload parse one allocation per member.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string([UInt8])
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    public static func string(_ text: String) -> JSONValue { .string(Array(text.utf8)) }
    public static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
    public static func int(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }
    public static func string(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    public var isNull: Bool { self == .null }

    /// The string as text (UTF-8; invalid sequences repaired), when this is a string.
    public var stringValue: String? {
        if case .string(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
    public var stringBytes: [UInt8]? {
        if case .string(let bytes) = self { return bytes }
        return nil
    }
    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }
    public var numberValue: JSONNumber? {
        if case .number(let v) = self { return v }
        return nil
    }
    public var objectValue: JSONObject? {
        if case .object(let v) = self { return v }
        return nil
    }

    /// Elements of a list. cjson writes an empty list as `{}`, so an empty object counts as an empty list.
    public var arrayValue: [JSONValue]? {
        switch self {
        case .array(let v): return v
        case .object(let o) where o.isEmpty: return []
        default: return nil
        }
    }

    /// Member lookup on objects; nil for anything else.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}
