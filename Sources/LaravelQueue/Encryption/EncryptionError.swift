import PHPFormats
/// Why `Encrypter` refused a key, a cipher or a payload.
///
/// A payload that fails authentication is reported as `macInvalid` (CBC) or `tagInvalid` (GCM) whether it
/// was altered or encrypted under a key we were not given: the HMAC/GCM tag cannot tell these apart, and
/// telling them apart by decrypting unauthenticated data anyway would build a padding oracle. What *can* be
/// told apart is reported separately: a payload that is not even well formed (bad base64 or JSON, wrong IV
/// length, a `mac` that is not 64 lowercase hex digits, …) is `payloadInvalid` with the exact reason.
public enum EncryptionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key is empty, is not valid `base64:` text, or has the wrong length for the cipher.
    case invalidKey(String)
    /// `app.cipher` is not one of Laravel's four ciphers.
    case unsupportedCipher(String)
    /// The payload is not a well-formed Laravel encryption payload (checked before any key is used).
    case payloadInvalid(String)
    /// A CBC payload whose well-formed MAC verifies with none of the keys tried (current + previous).
    case macInvalid(keysTried: Int)
    /// A GCM payload whose authentication tag verifies with none of the keys tried (current + previous).
    case tagInvalid(keysTried: Int)
    /// The MAC verified but OpenSSL could not decrypt (bad PKCS#7 padding: the writer's bug, not tampering).
    case decryptionFailed(String)
    /// OpenSSL refused to encrypt (should not happen with a valid key).
    case encryptionFailed(String)
    /// The decrypted plaintext is not the PHP-serialized string `s:<len>:"…";` that `encrypt()` produces.
    case unserializeFailed(String)

    public var description: String {
        switch self {
        case .invalidKey(let why):
            "Invalid encryption key: \(why)."
        case .unsupportedCipher(let name):
            "Unsupported cipher \"\(name)\". Supported ciphers are: \(Cipher.allCases.map(\.rawValue).joined(separator: ", "))."
        case .payloadInvalid(let why):
            "The payload is invalid: \(why)."
        case .macInvalid(let keysTried):
            "The MAC is invalid: it verifies with none of the \(Self.keys(keysTried)) tried; "
                + "the payload was altered, or it was encrypted with another APP_KEY (add that key to APP_PREVIOUS_KEYS)."
        case .tagInvalid(let keysTried):
            "The GCM authentication tag is invalid: it verifies with none of the \(Self.keys(keysTried)) tried; "
                + "the payload was altered, or it was encrypted with another APP_KEY (add that key to APP_PREVIOUS_KEYS)."
        case .decryptionFailed(let why):
            "Could not decrypt the data: \(why)."
        case .encryptionFailed(let why):
            "Could not encrypt the data: \(why)."
        case .unserializeFailed(let why):
            "Could not unserialize the decrypted data: \(why)."
        }
    }

    private static func keys(_ count: Int) -> String {
        count == 1 ? "1 key (the current key; no previous keys configured)" : "\(count) keys (the current key and \(count - 1) previous)"
    }
}
