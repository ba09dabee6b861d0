#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization
import PHPFormats

/// Reads one raw job payload (a Redis queue element or a `failed_jobs.payload`) into readable JSON for
/// `shuttle inspect`: `{"payload": <every field, in stored order>, "command": <the decoded data.command>}`.
///
/// The command is decoded as PHP's `CallQueuedHandler` would find it: `O:` is a serialized object, anything
/// else is the encrypter's envelope, decrypted when an encrypter is given. A chained job (`chained`, each
/// element a `serialize()`d job) is decoded too, since that is what one usually wants to see.
public struct PayloadInspector: Sendable {
    public let encrypter: Encrypter?

    public init(encrypter: Encrypter? = nil) {
        self.encrypter = encrypter
    }

    /// Throws `InspectionError` naming the part that failed and the byte offset the parser gave, or why
    /// Laravel's pop script cannot reserve the payload (no numeric `attempts`).
    public func inspect(_ bytes: [UInt8]) throws -> JSONValue {
        let payload: Payload
        do {
            payload = try Payload(bytes: bytes)
        } catch let error as JSONParser.Error {
            throw InspectionError("payload", "not valid JSON at byte \(error.offset): \(error.message)")
        } catch {
            throw InspectionError("payload", "not a JSON object")
        }
        // Shown as a job, it would look runnable; no worker will ever run it.
        if let reason = payload.unreservableReason { throw InspectionError("payload", reason) }
        var result = JSONObject(["payload": .object(payload.json)])
        if let command = try command(of: payload) { result["command"] = command }
        return .object(result)
    }

    /// Readable text of `inspect` (2-space indented JSON, newline-terminated).
    public func inspectText(_ bytes: [UInt8]) throws -> String {
        try JSONPrettyPrinter.print(try inspect(bytes)) + "\n"
    }

    /// nil when the payload has no `data.command` (string jobs such as `Class@method` carry plain data).
    func command(of payload: Payload) throws -> JSONValue? {
        guard let field = payload.data?["command"] else { return nil }
        guard let bytes = field.stringBytes else { throw InspectionError("data.command", "not a string") }
        if JobCommand.isSerializedObject(bytes) {
            return .object(try Self.describe(unserialize(bytes, part: "data.command"), encrypted: false))
        }
        let envelope = String(decoding: bytes, as: UTF8.self)
        guard let encrypter else {
            // Without a key we can still tell an envelope from garbage.
            do {
                try Self.checkEnvelope(envelope)
            } catch {
                throw InspectionError("data.command", "neither a serialized object (O:…) nor an encrypted payload: \(error)")
            }
            return .object(JSONObject(["encrypted": .bool(true), "decrypted": .bool(false)]))
        }
        let plaintext: [UInt8]
        do {
            plaintext = try encrypter.decryptCommand(envelope)
        } catch {
            throw InspectionError("data.command", "cannot decrypt: \(error)")
        }
        return .object(try Self.describe(unserialize(plaintext, part: "data.command (decrypted)"), encrypted: true))
    }

    private func unserialize(_ bytes: [UInt8], part: String) throws -> PHPObject {
        let value: PHPValue
        do {
            value = try PHPUnserializer.unserialize(bytes)
        } catch {
            throw InspectionError(part, "\(error)")
        }
        guard case .object(let object) = value else {
            throw InspectionError(part, "not a serialized object")
        }
        return object
    }

    static func describe(_ object: PHPObject, encrypted: Bool) -> JSONObject {
        var result = JSONObject()
        if encrypted { result["encrypted"] = .bool(true) }
        result["class"] = .string(object.className)
        result["properties"] = .array(object.properties.map { property in
            guard property.name == "chained", case .array(let chain) = property.value, chain.isList else {
                return PHPValueRenderer.render(property)
            }
            return PHPValueRenderer.render(property, value: .array(chain.values.map(describeChained)))
        })
        return result
    }

    /// A chain element is the `serialize()` of the next job: show it decoded when it is one.
    private static func describeChained(_ element: PHPValue) -> JSONValue {
        guard case .string(let bytes) = element, JobCommand.isSerializedObject(bytes),
              case .object(let object)? = try? PHPUnserializer.unserialize(bytes)
        else { return PHPValueRenderer.render(element) }
        return .object(JSONObject(["serialized": .object(describe(object, encrypted: false))]))
    }

    private static func checkEnvelope(_ text: String) throws {
        guard !text.isEmpty else { throw EncryptionError.payloadInvalid("it is empty") }
        guard let json = Data(base64Encoded: text) else { throw EncryptionError.payloadInvalid("it is not valid base64") }
        _ = try EncryptedPayload.parse([UInt8](json))
    }
}
