import COpenSSL
import Digests
import PHPFormats

/// The `mac` of Laravel's CBC payloads: lowercase hex HMAC-SHA256, compared in constant time.
enum HMACSHA256 {
    /// `hash_hmac('sha256', message, key)`: 64 lowercase hex digits, as ASCII bytes.
    static func hex(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let result = HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &digest, &length)
        precondition(result != nil && length == 32, "HMAC-SHA256 failed in OpenSSL")
        return Hex.ascii(digest)
    }

    /// Constant-time equality (`CRYPTO_memcmp`), like PHP's `hash_equals`; lengths are not secret.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }
}
