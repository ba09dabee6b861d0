import PHPSerialization
/// The 44-byte header before each data block of a TZif file.
struct TZifHeader {
    let version: UInt8
    let utIndicatorCount: Int
    let standardIndicatorCount: Int
    let leapCount: Int
    let timeCount: Int
    let typeCount: Int
    let charCount: Int

    init?(_ bytes: [UInt8], at start: Int) {
        guard start + 44 <= bytes.count, bytes[start..<start + 4].elementsEqual("TZif".utf8) else { return nil }
        version = bytes[start + 4]
        let counts = (0..<6).map { Int(UInt32(bitPattern: Self.int32(bytes, at: start + 20 + 4 * $0))) }
        utIndicatorCount = counts[0]; standardIndicatorCount = counts[1]; leapCount = counts[2]
        timeCount = counts[3]; typeCount = counts[4]; charCount = counts[5]
        guard counts.allSatisfy({ $0 < 1 << 20 }) else { return nil }
    }

    /// Bytes of the data block that follows.
    func dataLength(timeSize: Int) -> Int {
        timeCount * (timeSize + 1) + typeCount * 6 + charCount + leapCount * (timeSize + 4)
            + standardIndicatorCount + utIndicatorCount
    }

    static func int32(_ bytes: [UInt8], at p: Int) -> Int32 {
        Int32(bitPattern: bytes[p..<p + 4].reduce(0) { $0 << 8 | UInt32($1) })
    }

    static func int64(_ bytes: [UInt8], at p: Int) -> Int64 {
        Int64(bitPattern: bytes[p..<p + 8].reduce(0) { $0 << 8 | UInt64($1) })
    }
}
