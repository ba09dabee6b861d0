import COpenSSL
import PHPFormats

/// AES through OpenSSL's EVP interface, with the defaults PHP's `openssl_encrypt` uses (PKCS#7 padding for
/// CBC; 12-byte IV, no AAD and a 16-byte tag for GCM), so the bytes match what PHP produces and accepts.
enum AESEngine {
    /// Encrypts; `tag` is empty for CBC.
    static func encrypt(_ cipher: Cipher, key: [UInt8], iv: [UInt8], plaintext: [UInt8]) throws(EncryptionError) -> (ciphertext: [UInt8], tag: [UInt8]) {
        guard let ctx = EVP_CIPHER_CTX_new() else { throw .encryptionFailed("EVP_CIPHER_CTX_new failed") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_EncryptInit_ex(ctx, cipher.evpCipher, nil, key, iv) == 1 else {
            throw .encryptionFailed("cannot initialise \(cipher.rawValue): \(openSSLError())")
        }
        var out = [UInt8](repeating: 0, count: plaintext.count + Cipher.blockSize)
        var written: Int32 = 0
        var final: Int32 = 0
        let ok = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard EVP_EncryptUpdate(ctx, buffer.baseAddress, &written, plaintext, Int32(plaintext.count)) == 1 else { return false }
            return EVP_EncryptFinal_ex(ctx, buffer.baseAddress! + Int(written), &final) == 1
        }
        guard ok else { throw .encryptionFailed("\(cipher.rawValue): \(openSSLError())") }
        out.removeSubrange(Int(written + final)...)
        guard cipher.isAEAD else { return (out, []) }
        var tag = [UInt8](repeating: 0, count: Cipher.tagLength)
        guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(Cipher.tagLength), &tag) == 1 else {
            throw .encryptionFailed("cannot read the GCM tag: \(openSSLError())")
        }
        return (out, tag)
    }

    /// Decrypts; nil when OpenSSL rejects the data (bad CBC padding, or a GCM tag that does not verify).
    static func decrypt(_ cipher: Cipher, key: [UInt8], iv: [UInt8], ciphertext: [UInt8], tag: [UInt8]) -> [UInt8]? {
        guard let ctx = EVP_CIPHER_CTX_new() else { return nil }
        defer { EVP_CIPHER_CTX_free(ctx) }
        guard EVP_DecryptInit_ex(ctx, cipher.evpCipher, nil, key, iv) == 1 else { _ = openSSLError(); return nil }
        if cipher.isAEAD {
            var tag = tag
            guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(tag.count), &tag) == 1 else { _ = openSSLError(); return nil }
        }
        var out = [UInt8](repeating: 0, count: ciphertext.count + Cipher.blockSize)
        var written: Int32 = 0
        var final: Int32 = 0
        let ok = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard EVP_DecryptUpdate(ctx, buffer.baseAddress, &written, ciphertext, Int32(ciphertext.count)) == 1 else { return false }
            return EVP_DecryptFinal_ex(ctx, buffer.baseAddress! + Int(written), &final) == 1
        }
        guard ok else { _ = openSSLError(); return nil }
        out.removeSubrange(Int(written + final)...)
        return out
    }

    /// Cryptographically secure random bytes (IVs).
    static func randomBytes(_ count: Int) throws(EncryptionError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { throw .encryptionFailed("RAND_bytes failed: \(openSSLError())") }
        return bytes
    }

    /// Drains this thread's OpenSSL error queue (so no stale error is left for the next caller) and describes it.
    @discardableResult
    static func openSSLError() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "unknown OpenSSL error" : messages.joined(separator: "; ")
    }
}
