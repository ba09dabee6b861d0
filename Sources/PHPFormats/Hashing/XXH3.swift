import Digests
import PHPSerialization
/// XXH3 128-bit (seed 0, default secret): PHP's `hash('xxh128', …)`, which Laravel 12.54+ applies to a
/// unique job's `displayName()` in its lock key. Written from the XXH3 specification; scalar only, as
/// only short strings are hashed.
package enum XXH3 {
    /// Lowercase hex of the canonical (big-endian high, then low) form, as `hash()` prints it.
    package static func hash128Hex(_ input: [UInt8]) -> String {
        let (low, high) = hash128(input)
        return Hex.string(high) + Hex.string(low)
    }

    static func hash128(_ input: [UInt8]) -> (low: UInt64, high: UInt64) {
        let len = input.count
        switch len {
        case 0:
            return (avalanche64(read64(secret, 64) ^ read64(secret, 72)), avalanche64(read64(secret, 80) ^ read64(secret, 88)))
        case 1...3: return len1to3(input)
        case 4...8: return len4to8(input)
        case 9...16: return len9to16(input)
        case 17...128: return len17to128(input)
        case 129...240: return len129to240(input)
        default: return long(input)
        }
    }

    // MARK: Constants

    static let prime32_1: UInt64 = 0x9E37_79B1
    static let prime32_2: UInt64 = 0x85EB_CA77
    static let prime32_3: UInt64 = 0xC2B2_AE3D
    static let prime64_1: UInt64 = 0x9E37_79B1_85EB_CA87
    static let prime64_2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    static let prime64_3: UInt64 = 0x1656_67B1_9E37_79F9
    static let prime64_4: UInt64 = 0x85EB_CA77_C2B2_AE63
    static let prime64_5: UInt64 = 0x27D4_EB2F_1656_67C5
    static let primeMX1: UInt64 = 0x1656_6791_9E37_79F9
    static let primeMX2: UInt64 = 0x9FB2_1C65_1E98_DF25

    static let secret: [UInt8] = [
        0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
        0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
        0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
        0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
        0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
        0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
        0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
        0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
        0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
        0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
        0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
        0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
    ]

    // MARK: Short inputs

    private static func len1to3(_ p: [UInt8]) -> (low: UInt64, high: UInt64) {
        let len = p.count
        let c1 = UInt32(p[0]), c2 = UInt32(p[len >> 1]), c3 = UInt32(p[len - 1])
        let combinedLow = (c1 << 16) | (c2 << 24) | c3 | (UInt32(len) << 8)
        let combinedHigh = rotl32(combinedLow.byteSwapped, 13)
        let flipLow = UInt64(read32(secret, 0) ^ read32(secret, 4))
        let flipHigh = UInt64(read32(secret, 8) ^ read32(secret, 12))
        return (avalanche64(UInt64(combinedLow) ^ flipLow), avalanche64(UInt64(combinedHigh) ^ flipHigh))
    }

    private static func len4to8(_ p: [UInt8]) -> (low: UInt64, high: UInt64) {
        let len = p.count
        let input64 = UInt64(read32(p, 0)) &+ (UInt64(read32(p, len - 4)) << 32)
        let keyed = input64 ^ (read64(secret, 16) ^ read64(secret, 24))
        var (high, low) = keyed.multipliedFullWidth(by: prime64_1 &+ (UInt64(len) << 2))
        high = high &+ (low << 1)
        low ^= high >> 3
        low ^= low >> 35
        low = low &* primeMX2
        low ^= low >> 28
        return (low, avalanche(high))
    }

    private static func len9to16(_ p: [UInt8]) -> (low: UInt64, high: UInt64) {
        let len = p.count
        let flipLow = read64(secret, 32) ^ read64(secret, 40)
        let flipHigh = read64(secret, 48) ^ read64(secret, 56)
        let inputLow = read64(p, 0)
        var inputHigh = read64(p, len - 8)
        var (mHigh, mLow) = (inputLow ^ inputHigh ^ flipLow).multipliedFullWidth(by: prime64_1)
        mLow = mLow &+ (UInt64(len - 1) << 54)
        inputHigh ^= flipHigh
        mHigh = mHigh &+ inputHigh &+ (UInt64(UInt32(truncatingIfNeeded: inputHigh)) &* (prime32_2 - 1))
        mLow ^= mHigh.byteSwapped
        var (hHigh, hLow) = mLow.multipliedFullWidth(by: prime64_2)
        hHigh = hHigh &+ (mHigh &* prime64_2)
        return (avalanche(hLow), avalanche(hHigh))
    }

    private static func len17to128(_ p: [UInt8]) -> (low: UInt64, high: UInt64) {
        let len = p.count
        var acc = (low: UInt64(len) &* prime64_1, high: UInt64(0))
        if len > 32 {
            if len > 64 {
                if len > 96 { mix32(&acc, p, 48, len - 64, 96) }
                mix32(&acc, p, 32, len - 48, 64)
            }
            mix32(&acc, p, 16, len - 32, 32)
        }
        mix32(&acc, p, 0, len - 16, 0)
        return finish(acc, len: len)
    }

    private static func len129to240(_ p: [UInt8]) -> (low: UInt64, high: UInt64) {
        let len = p.count
        let rounds = len / 32
        var acc = (low: UInt64(len) &* prime64_1, high: UInt64(0))
        for i in 0..<4 { mix32(&acc, p, 32 * i, 32 * i + 16, 32 * i) }
        acc = (avalanche(acc.low), avalanche(acc.high))
        for i in 4..<rounds { mix32(&acc, p, 32 * i, 32 * i + 16, 3 + 32 * (i - 4)) }
        mix32(&acc, p, len - 16, len - 32, 136 - 17 - 16)
        return finish(acc, len: len)
    }

    private static func finish(_ acc: (low: UInt64, high: UInt64), len: Int) -> (low: UInt64, high: UInt64) {
        let low = acc.low &+ acc.high
        let high = (acc.low &* prime64_1) &+ (acc.high &* prime64_4) &+ (UInt64(len) &* prime64_2)
        return (avalanche(low), 0 &- avalanche(high))
    }

    private static func mix16(_ p: [UInt8], _ at: Int, _ s: Int) -> UInt64 {
        fold(read64(p, at) ^ read64(secret, s), read64(p, at + 8) ^ read64(secret, s + 8))
    }

    private static func mix32(_ acc: inout (low: UInt64, high: UInt64), _ p: [UInt8], _ a: Int, _ b: Int, _ s: Int) {
        acc.low = acc.low &+ mix16(p, a, s)
        acc.low ^= read64(p, b) &+ read64(p, b + 8)
        acc.high = acc.high &+ mix16(p, b, s + 16)
        acc.high ^= read64(p, a) &+ read64(p, a + 8)
    }

    // MARK: Long inputs (> 240 bytes)

    private static func long(_ p: [UInt8]) -> (low: UInt64, high: UInt64) {
        let len = p.count
        var acc: [UInt64] = [prime32_3, prime64_1, prime64_2, prime64_3, prime64_4, prime32_2, prime64_5, prime32_1]
        let stripesPerBlock = (secret.count - 64) / 8
        let blockLength = 64 * stripesPerBlock
        let blocks = (len - 1) / blockLength
        for n in 0..<blocks {
            for s in 0..<stripesPerBlock { accumulate(&acc, p, n * blockLength + s * 64, s * 8) }
            scramble(&acc, secret.count - 64)
        }
        let stripes = ((len - 1) - blockLength * blocks) / 64
        for s in 0..<stripes { accumulate(&acc, p, blocks * blockLength + s * 64, s * 8) }
        accumulate(&acc, p, len - 64, secret.count - 64 - 7)
        let low = merge(acc, 11, UInt64(len) &* prime64_1)
        let high = merge(acc, secret.count - 64 - 11, ~(UInt64(len) &* prime64_2))
        return (low, high)
    }

    private static func accumulate(_ acc: inout [UInt64], _ p: [UInt8], _ at: Int, _ s: Int) {
        for i in 0..<8 {
            let value = read64(p, at + 8 * i)
            let key = value ^ read64(secret, s + 8 * i)
            acc[i ^ 1] = acc[i ^ 1] &+ value
            acc[i] = acc[i] &+ (UInt64(UInt32(truncatingIfNeeded: key)) &* (key >> 32))
        }
    }

    private static func scramble(_ acc: inout [UInt64], _ s: Int) {
        for i in 0..<8 {
            var a = acc[i]
            a ^= a >> 47
            a ^= read64(secret, s + 8 * i)
            acc[i] = a &* prime32_1
        }
    }

    private static func merge(_ acc: [UInt64], _ s: Int, _ start: UInt64) -> UInt64 {
        var result = start
        for i in 0..<4 {
            result = result &+ fold(acc[2 * i] ^ read64(secret, s + 16 * i), acc[2 * i + 1] ^ read64(secret, s + 16 * i + 8))
        }
        return avalanche(result)
    }

    // MARK: Primitives

    private static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return high ^ low
    }

    private static func avalanche64(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 33
        h = h &* prime64_2
        h ^= h >> 29
        h = h &* prime64_3
        h ^= h >> 32
        return h
    }

    private static func avalanche(_ value: UInt64) -> UInt64 {
        var h = value
        h ^= h >> 37
        h = h &* primeMX1
        h ^= h >> 32
        return h
    }

    private static func rotl32(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }

    private static func read32(_ p: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | (UInt32(p[at + $1]) << (8 * UInt32($1))) }
    }

    private static func read64(_ p: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | (UInt64(p[at + $1]) << (8 * UInt64($1))) }
    }
}
