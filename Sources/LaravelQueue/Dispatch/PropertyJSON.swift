import PHPSerialization
import PHPFormats

/// Job properties written as JSON (`shuttle dispatch --properties`), turned into PHP values the way
/// `json_decode($json, true)` would, plus two conventions PHP's JSON cannot express:
///
/// * **Visibility** by a name prefix: `name` public, `*name` protected (PHP's own mangling marker),
///   `-name` private (declared by the job class). PHP's mangled forms (`"\u0000*\u0000name"`,
///   `"\u0000Class\u0000name"`) are accepted too. The visibility must match the class's declaration:
///   `SerializesModels::__unserialize` silently ignores a name mangled differently.
/// * **Models** as `{"@model": "App\\Models\\Integration", "id": 7, "connection": "pgsql", "relations": ["user"]}`
///   (`connection`, `relations`, `collectionClass` optional; an `id` list is an Eloquent collection), written as
///   the version's `ModelIdentifier`. Only as a property's whole value, as `SerializesModels` converts.
///
/// Declared defaults are unknown here, so `SerializesModels` (v9.4+) never omits these properties: PHP's
/// `unserialize` restores a value equal to the default just the same.
public enum PropertyJSON {
    public static let modelMarker = "@model"

    /// Parses a JSON object of properties, in the object's order, for a job of class `className`.
    public static func properties(_ json: String, className: String) throws -> [JobProperty] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(json)
        } catch {
            throw DispatchError.invalidPropertiesJSON("\(error)")
        }
        guard case .object(let object) = value else { throw DispatchError.invalidPropertiesJSON("not a JSON object") }
        var properties: [JobProperty] = []
        for member in object.members {
            let (name, visibility) = try nameAndVisibility(member.key, className: className)
            guard !properties.contains(where: { $0.name == name }) else { throw DispatchError.invalidPropertyName(member.key) }
            if let model = try model(member.value, property: name) {
                properties.append(.model(name, visibility, model))
            } else {
                properties.append(JobProperty(name, visibility, try phpValue(member.value, property: name), default: nil))
            }
        }
        return properties
    }

    /// A JSON value as `json_decode($json, true)` returns it: objects become arrays (numeric-string keys turn
    /// into ints, a repeated key keeps its first position and last value), integer literals that fit are ints.
    public static func phpValue(_ value: JSONValue, property: String) throws -> PHPValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return n.phpValue
        case .string(let s): return .string(s)
        case .array(let elements): return .array(PHPArray(list: try elements.map { try phpValue($0, property: property) }))
        case .object(let object):
            if object.contains(modelMarker) { throw DispatchError.nestedModel(property: property) }
            var array = PHPArray()
            for member in object.members {
                let key = PHPArrayKey.string(member.key)
                let element = try phpValue(member.value, property: property)
                if let i = array.entries.firstIndex(where: { $0.key == key }) {
                    array.entries[i].value = element
                } else {
                    array.entries.append(PHPArray.Entry(key: key, value: element))
                }
            }
            return .array(array)
        }
    }

    static func nameAndVisibility(_ key: String, className: String) throws -> (String, JobProperty.Visibility) {
        let bytes = Array(key.utf8)
        let name: String, visibility: JobProperty.Visibility
        if bytes.first == 0 {
            let demangled = PHPProperty.demangle(bytes)
            switch demangled.visibility {
            case .public: throw DispatchError.invalidPropertyName(key)
            case .protected: visibility = .protected
            case .private(let declaring):
                guard declaring == className else {
                    throw DispatchError.invalidPropertyName(key + " (private properties must be declared by \(className))")
                }
                visibility = .private
            }
            name = demangled.name
        } else if key.hasPrefix("*") {
            (name, visibility) = (String(key.dropFirst()), .protected)
        } else if key.hasPrefix("-") {
            (name, visibility) = (String(key.dropFirst()), .private)
        } else {
            (name, visibility) = (key, .public)
        }
        guard !name.isEmpty, !name.utf8.contains(0) else { throw DispatchError.invalidPropertyName(key) }
        return (name, visibility)
    }

    /// The `ModelIdentifier` a `{"@model": …}` object describes; nil for any other value.
    static func model(_ value: JSONValue, property: String) throws -> ModelIdentifier? {
        guard case .object(let object) = value, let marker = object[modelMarker] else { return nil }
        func fail(_ reason: String) -> DispatchError { .invalidModel(property: property, reason: reason) }
        func optionalString(_ key: String) throws -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string?: return object[key]?.stringValue
            default: throw fail("\"\(key)\" must be a string or null")
            }
        }
        for key in object.keys where ![modelMarker, "id", "connection", "relations", "collectionClass"].contains(key) {
            throw fail("unknown member \"\(key)\" (allowed: @model, id, connection, relations, collectionClass)")
        }
        let modelClass: String?
        switch marker {
        case .string(let bytes) where !bytes.isEmpty: modelClass = marker.stringValue.map(trimmedClassName)
        case .null: modelClass = nil
        default: throw fail("\"@model\" must be the model's class name (or null for an empty collection)")
        }
        guard let idJSON = object["id"] else { throw fail("\"id\" (the model's key) is missing") }
        let id = try phpValue(idJSON, property: property)
        switch id {
        case .int, .string: guard modelClass != nil else { throw fail("a single model needs its class") }
        case .array(let keys):
            guard keys.values.allSatisfy({ if case .int = $0 { true } else if case .string = $0 { true } else { false } }) else {
                throw fail("\"id\" list elements must be integers or strings")
            }
            guard keys.isList else { throw fail("\"id\" must be a key or a list of keys") }
            guard modelClass != nil || keys.count == 0 else { throw fail("a non-empty collection needs its model class") }
        default: throw fail("\"id\" must be an integer, a string, or a list of them (a collection)")
        }
        var relations: [String] = []
        if let r = object["relations"], r != .null {
            guard let list = r.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else { throw fail("\"relations\" must be a list of strings") }
            relations = list.compactMap(\.stringValue)
        }
        return ModelIdentifier(modelClass: modelClass, id: id, relations: relations,
                               connection: try optionalString("connection"), collectionClass: try optionalString("collectionClass"))
    }

    /// `get_class()` never starts with `\`, but a class typed on a command line may.
    static func trimmedClassName(_ name: String) -> String {
        String(name.drop(while: { $0 == "\\" }))
    }
}
