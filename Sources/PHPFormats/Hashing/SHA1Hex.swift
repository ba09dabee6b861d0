import COpenSSL
import PHPSerialization

/// PHP's `sha1($text)`: 40 lowercase hex digits; the file cache names its files after it.
package enum SHA1Hex {
    package static func of(_ text: String) -> String {
        let message = Array(text.utf8)
        var digest = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        let ok = EVP_Digest(message, message.count, &digest, &length, EVP_sha1(), nil)
        precondition(ok == 1 && length == 20, "SHA-1 failed in OpenSSL")
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] }, as: UTF8.self)
    }
}
