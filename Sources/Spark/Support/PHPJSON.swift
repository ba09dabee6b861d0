import PHPFormats
import PHPSerialization

/// PHP's `json_encode` of a decoded value (spec §3.3): a PHP list becomes a JSON array and any other
/// array an object (so `{}` read from an API comes back as `[]`), integer keys become strings, integral
/// floats print as integers; strings must be UTF-8 (PHP refuses otherwise).
public enum PHPJSON {
    public struct InvalidValue: Error, CustomStringConvertible, Sendable {
        public let reason: String
        public var description: String { reason }
    }

    /// The JSON value `json_encode` would write for `value`.
    public static func value(_ value: PHPValue) throws -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d):
            guard let n = JSONNumber(d) else { throw InvalidValue(reason: "Inf and NaN cannot be JSON encoded") }
            return .number(n)
        case .string(let bytes):
            guard String(validating: bytes, as: UTF8.self) != nil else {
                throw InvalidValue(reason: "Malformed UTF-8 characters, possibly incorrectly encoded")
            }
            return .string(bytes)
        case .array(let array):
            if array.isList { return .array(try array.values.map(Self.value)) }
            var object = JSONObject()
            for entry in array.entries {
                let key: String
                switch entry.key {
                case .int(let i): key = String(i)
                case .string(let bytes): key = String(decoding: bytes, as: UTF8.self)
                }
                object.members.append(JSONObject.Member(key: key, value: try Self.value(entry.value)))
            }
            return .object(object)
        default:
            throw InvalidValue(reason: "objects are not written to JSON columns")
        }
    }

    /// `json_encode($value)` with default flags: `\/` and `\uXXXX` escapes. An empty object is written
    /// `[]`, since PHP holds both as the same empty array.
    public static func encode(_ value: JSONValue) throws -> String {
        String(decoding: try JSONWriter.encode(containsEmptyObject(value) ? phpShaped(value) : value, options: .plain), as: UTF8.self)
    }

    /// Whether `phpShaped` would change anything: a read-only walk, cheaper than rebuilding the tree for every row
    /// of a bulk write when (as almost always) there is no empty object.
    static func containsEmptyObject(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let object): object.isEmpty || object.members.contains { containsEmptyObject($0.value) }
        case .array(let elements): elements.contains(where: containsEmptyObject)
        default: false
        }
    }

    /// `value` with every empty object turned into an empty array, as a PHP array round trip does.
    public static func phpShaped(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object) where object.isEmpty: return .array([])
        case .object(var object):
            for index in object.members.indices { object.members[index].value = phpShaped(object.members[index].value) }
            return .object(object)
        case .array(let elements): return .array(elements.map(phpShaped))
        default: return value
        }
    }

    public static func encode(_ value: PHPValue) throws -> String {
        try encode(try Self.value(value))
    }

    /// JSON `[]`: what PHP writes for an empty array.
    public static let emptyArray = JSONValue.array([])
}
