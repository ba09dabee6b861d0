import PHPSerialization
/// Reading the TZif format (RFC 8536): versions 1 to 4, the 64-bit data and footer of version 2+ preferred.
extension ZoneInfo {
    /// Nil when `tzif` is not a well-formed TZif file.
    init?(identifier: String, tzif bytes: [UInt8]) {
        guard let v1 = TZifHeader(bytes, at: 0) else { return nil }
        let v1End = 44 + v1.dataLength(timeSize: 4)
        if v1.version >= UInt8(ascii: "2") {
            guard let v2 = TZifHeader(bytes, at: v1End) else { return nil }
            let start = v1End + 44
            let end = start + v2.dataLength(timeSize: 8)
            guard end <= bytes.count else { return nil }
            let footer = Self.footer(bytes, from: end)
            self.init(identifier: identifier, bytes: bytes, header: v2, at: start, timeSize: 8, footer: footer)
        } else {
            guard v1End <= bytes.count else { return nil }
            self.init(identifier: identifier, bytes: bytes, header: v1, at: 44, timeSize: 4, footer: nil)
        }
    }

    private init?(identifier: String, bytes: [UInt8], header: TZifHeader, at start: Int, timeSize: Int,
                  footer: POSIXTimeZoneRule?) {
        guard header.typeCount > 0 else { return nil }
        var transitions: [Int64] = []
        transitions.reserveCapacity(header.timeCount)
        var p = start
        for _ in 0..<header.timeCount {
            transitions.append(timeSize == 8 ? TZifHeader.int64(bytes, at: p) : Int64(TZifHeader.int32(bytes, at: p)))
            p += timeSize
        }
        let indices = Array(bytes[p..<p + header.timeCount])
        p += header.timeCount
        guard indices.allSatisfy({ Int($0) < header.typeCount }), zip(transitions, transitions.dropFirst()).allSatisfy({ $0 < $1 })
        else { return nil }
        var types: [LocalTimeType] = []
        for _ in 0..<header.typeCount {
            types.append(LocalTimeType(offset: Int(TZifHeader.int32(bytes, at: p)), isDaylight: bytes[p + 4] != 0))
            p += 6
        }
        self.init(identifier: identifier, transitions: transitions, transitionTypes: indices, types: types, footer: footer)
    }

    /// The TZ string between the newlines after the data; nil when empty or unreadable.
    private static func footer(_ bytes: [UInt8], from start: Int) -> POSIXTimeZoneRule? {
        guard start < bytes.count, bytes[start] == 0x0A,
              let end = bytes[(start + 1)...].firstIndex(of: 0x0A), end > start + 1 else { return nil }
        return POSIXTimeZoneRule(String(decoding: bytes[(start + 1)..<end], as: UTF8.self))
    }
}
