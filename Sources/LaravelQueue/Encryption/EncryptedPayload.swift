import PHPFormats
/// The JSON object inside an encrypted value: `{"iv":…,"value":…,"mac":…,"tag":…}`, all base64/hex text.
///
/// It is written here (fixed shape, nothing to escape) and read with the module's `JSONParser`, which
/// accepts what PHP's `json_decode` accepts.
struct EncryptedPayload: Equatable {
    var iv: String
    var value: String
    var mac: String
    /// Absent in payloads written before Laravel 8.54; `""` for CBC since.
    var tag: String?

    /// Laravel's bytes: members in order iv, value, mac, tag, no whitespace, `JSON_UNESCAPED_SLASHES`.
    /// The members hold only base64 and hex characters, so nothing needs escaping.
    func json() -> [UInt8] {
        var out: [UInt8] = []
        out.append(UInt8(ascii: "{"))
        for (index, (name, text)) in [("iv", iv), ("value", value), ("mac", mac), ("tag", tag ?? "")].enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array("\"\(name)\":\"".utf8)
            for byte in text.utf8 {
                precondition(byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\"), "EncryptedPayload members are base64/hex only")
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Reads the object as PHP's `json_decode` would (any member order, whitespace, escapes such as `\/`),
    /// requiring string `iv`, `value`, `mac` and, when present and not null, a string `tag`.
    static func parse(_ json: [UInt8]) throws(EncryptionError) -> EncryptedPayload {
        let members: JSONObject
        do {
            guard case .object(let object) = try JSONParser.parse(json) else {
                throw EncryptionError.payloadInvalid("the decoded text is not a JSON object")
            }
            members = object
        } catch let error as EncryptionError {
            throw error
        } catch {
            throw .payloadInvalid("the decoded text is not a JSON object (\(error))")
        }
        func string(_ name: String) throws(EncryptionError) -> String {
            guard let value = members[name] else { throw .payloadInvalid("the \"\(name)\" member is missing") }
            guard let text = value.stringValue else { throw .payloadInvalid("\"\(name)\" is \(kind(value)), not a string") }
            return text
        }
        let tag: String?
        switch members["tag"] {
        case nil, .null?: tag = nil
        case let value?:
            guard let text = value.stringValue else { throw .payloadInvalid("\"tag\" is \(kind(value)), not a string") }
            tag = text
        }
        return EncryptedPayload(iv: try string("iv"), value: try string("value"), mac: try string("mac"), tag: tag)
    }

    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
