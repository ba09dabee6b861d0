import COpenSSL

/// MD5 through OpenSSL's libcrypto, for identifiers PHP derives with `md5()` (Apple Health's workout id
/// fallback). Not a security use.
package enum MD5 {
    /// 32 lowercase hex digits, as PHP's `md5()` prints.
    package static func hex(_ message: some Collection<UInt8>) -> String {
        let bytes = Array(message)
        var digest = [UInt8](repeating: 0, count: 16)
        var length: UInt32 = 0
        let ok = EVP_Digest(bytes, bytes.count, &digest, &length, EVP_md5(), nil)
        precondition(ok == 1 && length == 16, "MD5 failed in OpenSSL")
        return Hex.string(digest)
    }
}
