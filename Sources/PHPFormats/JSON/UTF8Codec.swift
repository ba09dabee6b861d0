import PHPSerialization
/// Minimal strict UTF-8 (RFC 3629) helpers shared by the JSON parser and writer: both must reject exactly
/// what PHP's json extension rejects (overlongs, surrogates, > U+10FFFF, truncation).
enum UTF8Codec {
    /// Decodes the scalar starting at `i` (first byte ≥ 0x80); nil when the sequence is not well formed.
    static func decode(_ bytes: [UInt8], at i: Int) -> (scalar: UInt32, length: Int)? {
        let b0 = bytes[i]
        let length: Int
        var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
        var scalar: UInt32
        switch b0 {
        case 0xC2...0xDF: length = 2; scalar = UInt32(b0 & 0x1F)
        case 0xE0: length = 3; lower = 0xA0; scalar = UInt32(b0 & 0x0F)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3; scalar = UInt32(b0 & 0x0F)
        case 0xED: length = 3; upper = 0x9F; scalar = UInt32(b0 & 0x0F)
        case 0xF0: length = 4; lower = 0x90; scalar = UInt32(b0 & 0x07)
        case 0xF1...0xF3: length = 4; scalar = UInt32(b0 & 0x07)
        case 0xF4: length = 4; upper = 0x8F; scalar = UInt32(b0 & 0x07)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b >= (k == 1 ? lower : 0x80), b <= (k == 1 ? upper : 0xBF) else { return nil }
            scalar = scalar << 6 | UInt32(b & 0x3F)
        }
        return (scalar, length)
    }

    static func encode(_ scalar: UInt32, into out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(0xC0 | UInt8(scalar >> 6))
            out.append(0x80 | UInt8(scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(0xE0 | UInt8(scalar >> 12))
            out.append(0x80 | UInt8(scalar >> 6 & 0x3F))
            out.append(0x80 | UInt8(scalar & 0x3F))
        default:
            out.append(0xF0 | UInt8(scalar >> 18))
            out.append(0x80 | UInt8(scalar >> 12 & 0x3F))
            out.append(0x80 | UInt8(scalar >> 6 & 0x3F))
            out.append(0x80 | UInt8(scalar & 0x3F))
        }
    }

    static func isValid(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            if bytes[i] < 0x80 { i += 1; continue }
            guard let (_, length) = decode(bytes, at: i) else { return false }
            i += length
        }
        return true
    }
}
