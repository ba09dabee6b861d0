import PHPSerialization
import PHPFormats

/// Turns a payload's `data.command` into a `JobCommand`, or says it is encrypted (decryption lives in the
/// Encryption layer; pass its plaintext back to `decode(plaintext:)`).
public enum CommandDecoder {
    public enum Error: Swift.Error, Equatable {
        case missingCommand
        case notASerializedObject
    }

    public enum Command: Hashable, Sendable {
        case serialized(JobCommand)
        /// `ShouldBeEncrypted`: base64 of the encrypter's JSON envelope.
        case encrypted(String)
    }

    public static func decode(_ payload: Payload) throws -> Command {
        guard let command = payload.commandBytes else { throw Error.missingCommand }
        return try decode(command: command)
    }

    public static func decode(command: [UInt8]) throws -> Command {
        if JobCommand.isSerializedObject(command) { return .serialized(try JobCommand(serialized: command)) }
        return .encrypted(String(decoding: command, as: UTF8.self))
    }

    /// The decrypter returns `serialize(serialize($job))`-style plaintext (spec §5.8): unwrap the outer string.
    public static func decode(plaintext: [UInt8]) throws -> JobCommand {
        if JobCommand.isSerializedObject(plaintext) { return try JobCommand(serialized: plaintext) }
        guard case .string(let inner) = try PHPUnserializer.unserialize(plaintext) else { throw Error.notASerializedObject }
        return try JobCommand(serialized: inner)
    }
}
