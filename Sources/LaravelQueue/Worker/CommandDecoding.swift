import PHPSerialization
import PHPFormats

/// Gets a job's command as an object: unserialized, decrypted first when it is a `ShouldBeEncrypted` job.
package enum CommandDecoding {
    struct MissingEncrypter: Error, CustomStringConvertible {
        var description: String { "the command is encrypted and no APP_KEY is configured" }
    }

    /// nil for string jobs (`Class@method` with plain `data`), which have no command.
    package static func command(of payload: Payload, encrypter: Encrypter?) throws -> PHPObject? {
        guard payload.commandBytes != nil else { return nil }
        switch try CommandDecoder.decode(payload) {
        case .serialized(let command):
            return command.object
        case .encrypted(let text):
            guard let encrypter else { throw MissingEncrypter() }
            return try CommandDecoder.decode(plaintext: try encrypter.decryptCommand(text)).object
        }
    }
}
