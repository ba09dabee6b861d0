/// Lowercase hexadecimal, the one encoder every format here needs: digests (`sha1()`, `hash_hmac()`,
/// `hash('xxh128')`, EVALSHA names) and JSON's `\uXXXX` escapes all print lowercase digits, most
/// significant first. Our own code: the standard library has no byte-string hex encoder (Foundation's
/// `String(format: "%02x")` is slow and not in FoundationEssentials).
package enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Two digits per byte, in order: PHP's `bin2hex`.
    package static func string(_ bytes: some Sequence<UInt8>) -> String {
        String(decoding: ascii(bytes), as: UTF8.self)
    }

    /// `string(_:)` as ASCII bytes.
    package static func ascii(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        append(bytes, to: &out)
        return out
    }

    package static func append(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
    }

    /// All `bitWidth / 4` digits of an unsigned integer, zero-padded, most significant first
    /// (a `UInt16` gives the four digits of a JSON `\u` escape).
    package static func string<T: FixedWidthInteger & UnsignedInteger>(_ value: T) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    package static func append<T: FixedWidthInteger & UnsignedInteger>(_ value: T, to out: inout [UInt8]) {
        for shift in stride(from: T.bitWidth - 4, through: 0, by: -4) {
            out.append(digits[Int(truncatingIfNeeded: value >> shift) & 0x0F])
        }
    }
}
