import COpenSSL

/// SHA-1 through OpenSSL's libcrypto: names Lua scripts for EVALSHA the way Redis does, and the file
/// cache's files the way PHP's `sha1()` does. Not a security use.
///
/// The Redis client depends on COpenSSL for this, and that is deliberate: every Shuttle binary links
/// libcrypto already (the encrypter is built on it), so one well-kept SHA-1 costs the client nothing,
/// where its own hand-written SHA-1 existed only to keep that dependency out.
package enum SHA1 {
    /// The 20-byte digest.
    package static func digest(_ message: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(message)
        var digest = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        let ok = EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha1(), nil)
        precondition(ok == 1 && length == 20, "SHA-1 failed in OpenSSL")
        return digest
    }

    /// 40 lowercase hex digits: what `SCRIPT LOAD` returns and PHP's `sha1()` prints.
    package static func hex(_ message: some Collection<UInt8>) -> String {
        Hex.string(digest(message))
    }
}
