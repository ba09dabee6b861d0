/// The JSON object inside an encrypted value: `{"iv":…,"value":…,"mac":…,"tag":…}`, all base64/hex text.
///
/// Its JSON is fixed-shape, so it is written and read here rather than through the general payload JSON
/// codec: the encrypter stays self-contained and cannot be affected by that codec's escaping rules.
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
        let members: [String: FixedShapeJSONReader.Member]
        var reader = FixedShapeJSONReader(json)
        do {
            members = try reader.readObject()
        } catch {
            throw .payloadInvalid("the decoded text is not a JSON object (\(error.reason) at byte \(error.offset))")
        }
        func string(_ name: String) throws(EncryptionError) -> String {
            switch members[name] {
            case .string(let text)?: return text
            case .other(let kind)?: throw .payloadInvalid("\"\(name)\" is \(kind), not a string")
            case nil: throw .payloadInvalid("the \"\(name)\" member is missing")
            }
        }
        let tag: String?
        switch members["tag"] {
        case .string(let text)?: tag = text
        case .other("null")?, nil: tag = nil
        case .other(let kind)?: throw .payloadInvalid("\"tag\" is \(kind), not a string")
        }
        return EncryptedPayload(iv: try string("iv"), value: try string("value"), mac: try string("mac"), tag: tag)
    }
}
