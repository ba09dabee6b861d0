#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats
import PHPSerialization

/// Laravel's `Illuminate\Encryption\Encrypter`: reads and writes the same base64(JSON) payloads, so values
/// (and encrypted queue commands, spec §5.8) pass between PHP and Swift in both directions.
///
/// Built on OpenSSL rather than swift-crypto: OpenSSL is what PHP's `openssl_encrypt` itself calls, so
/// padding and GCM behaviour are the same by construction, and CI is spared a swift-crypto build per run.
public struct Encrypter: Sendable {
    public let cipher: Cipher
    private let key: EncryptionKey
    /// Laravel 11+ `APP_PREVIOUS_KEYS`: tried after the current key when decrypting, never used to encrypt.
    private let previousKeys: [EncryptionKey]

    public init(key: EncryptionKey, cipher: Cipher = .aes256CBC, previousKeys: [EncryptionKey] = []) throws(EncryptionError) {
        try Self.check(key, for: cipher, name: "the key")
        for (index, previous) in previousKeys.enumerated() {
            try Self.check(previous, for: cipher, name: "previous key #\(index + 1)")
        }
        self.key = key
        self.cipher = cipher
        self.previousKeys = previousKeys
    }

    /// From Laravel's configuration values: `APP_KEY`, `app.cipher` (any case) and the comma-separated
    /// `APP_PREVIOUS_KEYS` (empty entries ignored, like Laravel's `array_filter(explode(',', …))`).
    public init(appKey: String, cipher: String = "AES-256-CBC", previousKeys: String? = nil) throws(EncryptionError) {
        let cipher = try Cipher(name: cipher)
        let key = try Self.parse(appKey, name: "APP_KEY")
        try Self.check(key, for: cipher, name: "APP_KEY")
        var previous: [EncryptionKey] = []
        for (index, entry) in (previousKeys ?? "").split(separator: ",").enumerated() {
            let name = "APP_PREVIOUS_KEYS entry #\(index + 1)"
            let parsed = try Self.parse(String(entry), name: name)
            try Self.check(parsed, for: cipher, name: name)
            previous.append(parsed)
        }
        try self.init(key: key, cipher: cipher, previousKeys: previous)
    }

    /// Laravel's `encrypt()`: with `serialize`, the bytes are first PHP-serialized as a string
    /// (`s:<len>:"…";`), which is what PHP's `decrypt()` unserializes; without it, `encryptString()`.
    /// For a queued job the bytes are already its `serialize()` text, hence the double serialization of §5.8.
    public func encrypt(_ plaintext: [UInt8], serialize: Bool = true) throws(EncryptionError) -> String {
        let input = serialize ? PHPSerializer.serialize(.string(plaintext)) : plaintext
        let iv = try AESEngine.randomBytes(cipher.ivLength)
        let (ciphertext, tag) = try AESEngine.encrypt(cipher, key: key.bytes, iv: iv, plaintext: input)
        let ivText = Data(iv).base64EncodedString()
        let valueText = Data(ciphertext).base64EncodedString()
        let mac = cipher.isAEAD ? "" : String(decoding: HMACSHA256.hex(key: key.bytes, message: Array((ivText + valueText).utf8)), as: UTF8.self)
        let payload = EncryptedPayload(iv: ivText, value: valueText, mac: mac, tag: Data(tag).base64EncodedString())
        return Data(payload.json()).base64EncodedString()
    }

    /// Laravel's `decrypt()`: with `unserialize`, the plaintext must be a PHP-serialized string, whose bytes
    /// are returned; without it, `decryptString()`. Tries the current key, then each previous key.
    public func decrypt(_ payload: String, unserialize: Bool = true) throws(EncryptionError) -> [UInt8] {
        let plaintext = try open(payload)
        return unserialize ? try Self.unserializeString(plaintext) : plaintext
    }

    /// The bytes of the one PHP-serialized string the plaintext must be, with nothing after it; any length,
    /// as the MAC or tag has authenticated it. Anything else is refused with a hint to decrypt it raw.
    private static func unserializeString(_ plaintext: [UInt8]) throws(EncryptionError) -> [UInt8] {
        let isString = plaintext.starts(with: [UInt8(ascii: "s"), UInt8(ascii: ":")])
        let value: PHPValue
        do {
            value = try PHPUnserializer.unserialize(plaintext, limits: PHPUnserializer.Limits(maxLength: .max))
        } catch {
            throw .unserializeFailed(isString ? "\(error)" : notAString(plaintext))
        }
        guard case .string(let bytes) = value else { throw .unserializeFailed(notAString(plaintext)) }
        return bytes
    }

    private static func notAString(_ plaintext: [UInt8]) -> String {
        "expected a PHP serialized string (s:<length>:\"…\";) but it starts with \"\(String(decoding: plaintext.prefix(2), as: UTF8.self))\"; "
            + "decrypt without unserializing and decode it with a PHP unserializer"
    }

    /// Encrypts a queued job's `serialize()` text as `Queue::createObjectPayload` does for `ShouldBeEncrypted`
    /// jobs (`encrypt(serialize($job))`, so serialized twice); the result is the payload's `data.command`.
    public func encryptCommand(_ serializedCommand: [UInt8]) throws(EncryptionError) -> String {
        try encrypt(serializedCommand, serialize: true)
    }

    /// The inverse of `encryptCommand`: returns the job's `serialize()` text (`O:…`), as
    /// `CallQueuedHandler::getCommand` obtains it before its own `unserialize`.
    public func decryptCommand(_ encrypted: String) throws(EncryptionError) -> [UInt8] {
        try decrypt(encrypted, unserialize: true)
    }

    // MARK: - Decryption steps

    /// Validates the payload's shape fully before any key is used, then authenticates and decrypts.
    private func open(_ text: String) throws(EncryptionError) -> [UInt8] {
        guard !text.isEmpty else { throw .payloadInvalid("it is empty") }
        guard let json = Data(base64Encoded: text) else { throw .payloadInvalid("it is not valid base64") }
        let payload = try EncryptedPayload.parse([UInt8](json))
        guard let iv = Data(base64Encoded: payload.iv) else { throw .payloadInvalid("\"iv\" is not valid base64") }
        guard iv.count == cipher.ivLength else {
            throw .payloadInvalid("the IV is \(iv.count) bytes but \(cipher.rawValue) needs \(cipher.ivLength)\(mismatchHint(ivLength: iv.count))")
        }
        guard let ciphertext = Data(base64Encoded: payload.value) else { throw .payloadInvalid("\"value\" is not valid base64") }
        let hasTag = !(payload.tag ?? "").isEmpty
        if cipher.isAEAD {
            guard hasTag, let tagText = payload.tag else {
                throw .payloadInvalid("it has no authentication tag, which \(cipher.rawValue) needs (was it encrypted with a CBC cipher? check app.cipher)")
            }
            guard let tag = Data(base64Encoded: tagText) else { throw .payloadInvalid("\"tag\" is not valid base64") }
            guard tag.count == Cipher.tagLength else {
                throw .payloadInvalid("the tag is \(tag.count) bytes, expected \(Cipher.tagLength)")
            }
            return try openGCM(iv: [UInt8](iv), ciphertext: [UInt8](ciphertext), tag: [UInt8](tag))
        }
        guard !hasTag else {
            throw .payloadInvalid("it has a tag but \(cipher.rawValue) is not an AEAD cipher (was it encrypted with AES-*-GCM? check app.cipher)")
        }
        guard !ciphertext.isEmpty, ciphertext.count % Cipher.blockSize == 0 else {
            throw .payloadInvalid("the value is \(ciphertext.count) bytes, not a whole number of \(Cipher.blockSize)-byte AES blocks")
        }
        let mac = Array(payload.mac.utf8)
        guard mac.count == 64, mac.allSatisfy(Self.isLowercaseHexDigit) else {
            throw .payloadInvalid("\"mac\" is not 64 lowercase hex digits (it has \(mac.count) characters)")
        }
        return try openCBC(ivText: payload.iv, valueText: payload.value, mac: mac, iv: [UInt8](iv), ciphertext: [UInt8](ciphertext))
    }

    /// CBC: the first key whose HMAC matches decrypts. (Laravel would go on trying later keys without their
    /// MAC if that decryption failed; we do not decrypt under a key that did not authenticate the data.)
    private func openCBC(ivText: String, valueText: String, mac: [UInt8], iv: [UInt8], ciphertext: [UInt8]) throws(EncryptionError) -> [UInt8] {
        let message = Array((ivText + valueText).utf8)
        let keys = [key] + previousKeys
        for (index, candidate) in keys.enumerated() where HMACSHA256.constantTimeEqual(HMACSHA256.hex(key: candidate.bytes, message: message), mac) {
            guard let plaintext = AESEngine.decrypt(cipher, key: candidate.bytes, iv: iv, ciphertext: ciphertext, tag: []) else {
                throw .decryptionFailed("the MAC verifies with \(index == 0 ? "the current key" : "previous key #\(index)") but the PKCS#7 padding is invalid (the writer's bug)")
            }
            return plaintext
        }
        throw .macInvalid(keysTried: keys.count)
    }

    /// GCM: the tag authenticates; the first key under which it verifies decrypts.
    private func openGCM(iv: [UInt8], ciphertext: [UInt8], tag: [UInt8]) throws(EncryptionError) -> [UInt8] {
        let keys = [key] + previousKeys
        for candidate in keys {
            if let plaintext = AESEngine.decrypt(cipher, key: candidate.bytes, iv: iv, ciphertext: ciphertext, tag: tag) {
                return plaintext
            }
        }
        throw .tagInvalid(keysTried: keys.count)
    }

    private func mismatchHint(ivLength: Int) -> String {
        if cipher.isAEAD && ivLength == Cipher.aes256CBC.ivLength { return " (a CBC IV: was it encrypted with AES-*-CBC? check app.cipher)" }
        if !cipher.isAEAD && ivLength == Cipher.aes256GCM.ivLength { return " (a GCM IV: was it encrypted with AES-*-GCM? check app.cipher)" }
        return ""
    }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    // MARK: - Keys

    private static func parse(_ appKey: String, name: String) throws(EncryptionError) -> EncryptionKey {
        do {
            return try EncryptionKey(appKey: appKey)
        } catch {
            guard case .invalidKey(let why) = error else { throw error }
            throw .invalidKey("\(name): \(why)")
        }
    }

    private static func check(_ key: EncryptionKey, for cipher: Cipher, name: String) throws(EncryptionError) {
        guard key.bytes.count == cipher.keyLength else {
            throw .invalidKey("\(name) is \(key.bytes.count) bytes but \(cipher.rawValue) needs \(cipher.keyLength)")
        }
    }
}
