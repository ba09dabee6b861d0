#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization
import PHPFormats

/// Shows a decoded PHP value as JSON a person can read: PHP's types map onto JSON's where they can, and the
/// rest (objects, enums, references, non-UTF-8 bytes) become small tagged objects. Meant for reading, not
/// for round-tripping: `PHPSerializer` is the way back to bytes.
public enum PHPValueRenderer {
    public static func render(_ value: PHPValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d):
            // JSON has no NAN/INF; PHP prints them so in `serialize()`.
            if let number = JSONNumber(d) { return .number(number) }
            return .string(d.isNaN ? "NAN" : (d < 0 ? "-INF" : "INF"))
        case .string(let bytes): return render(bytes: bytes)
        case .array(let array): return render(array)
        case .object(let object): return render(object)
        case .custom(let className, let data):
            return .object(JSONObject(["class": .string(className), "serializable": render(bytes: data)]))
        case .enumCase(let className, let caseName):
            return .object(JSONObject(["enum": .string(className), "case": .string(caseName)]))
        case .objectReference(let slot):
            return .object(JSONObject(["objectReference": .int(slot)]))
        case .reference(let slot):
            return .object(JSONObject(["reference": .int(slot)]))
        }
    }

    /// UTF-8 text as a string; anything else (binary, Latin-1) as base64 so no byte is lost or faked.
    public static func render(bytes: [UInt8]) -> JSONValue {
        if String(validating: bytes, as: UTF8.self) != nil { return .string(bytes) }
        return .object(JSONObject(["base64": .string(Data(bytes).base64EncodedString())]))
    }

    /// A list becomes a JSON array; any other array an object keyed by its (stringified) keys, in order.
    /// A key that is not UTF-8 cannot be a JSON key without being faked (two binary keys would collapse into
    /// one U+FFFD key), so such an array becomes `{"entries": [{"key": K, "value": V}, …]}`, each string key
    /// rendered as string values are (base64 when not UTF-8), int keys as numbers.
    public static func render(_ array: PHPArray) -> JSONValue {
        if array.isList { return .array(array.values.map(render)) }
        let binaryKey = array.entries.contains { entry in
            if case .string(let s) = entry.key { return String(validating: s, as: UTF8.self) == nil }
            return false
        }
        if binaryKey {
            return .object(JSONObject(["entries": .array(array.entries.map { entry in
                let key: JSONValue
                switch entry.key {
                case .int(let i): key = .int(i)
                case .string(let s): key = render(bytes: s)
                }
                return .object(JSONObject(["key": key, "value": render(entry.value)]))
            })]))
        }
        return .object(JSONObject(array.entries.map { entry in
            let key: String
            switch entry.key {
            case .int(let i): key = String(i)
            case .string(let s): key = String(decoding: s, as: UTF8.self)
            }
            return JSONObject.Member(key: key, value: render(entry.value))
        }))
    }

    public static func render(_ object: PHPObject) -> JSONValue {
        if let model = ModelIdentifier(object) { return render(model, object: object) }
        return .object(JSONObject([
            "class": .string(object.className),
            "properties": .array(object.properties.map(render)),
        ]))
    }

    public static func render(_ property: PHPProperty) -> JSONValue {
        render(property, value: render(property.value))
    }

    /// A property shown with a value rendered some other way (e.g. a decoded chain).
    public static func render(_ property: PHPProperty, value: JSONValue) -> JSONValue {
        var members: [JSONObject.Member] = [JSONObject.Member(key: "name", value: .string(property.name))]
        switch property.visibility {
        case .public:
            members.append(JSONObject.Member(key: "visibility", value: .string("public")))
        case .protected:
            members.append(JSONObject.Member(key: "visibility", value: .string("protected")))
        case .private(let declaringClass):
            members.append(JSONObject.Member(key: "visibility", value: .string("private")))
            members.append(JSONObject.Member(key: "declaringClass", value: .string(declaringClass)))
        }
        members.append(JSONObject.Member(key: "value", value: value))
        return .object(JSONObject(members))
    }

    /// What `SerializesModels` left in place of a model: which model, which key(s), what to eager-load.
    /// `collectionClass` only when the object has it (v9.26+).
    static func render(_ model: ModelIdentifier, object: PHPObject) -> JSONValue {
        var result = JSONObject([
            "model": .string(model.modelClass),
            "id": render(model.id),
            "relations": .array(model.relations.map { .string($0) }),
            "connection": .string(model.connection),
        ])
        if object.properties.contains(where: { $0.name == "collectionClass" }) {
            result["collectionClass"] = .string(model.collectionClass)
        }
        return .object(result)
    }
}
