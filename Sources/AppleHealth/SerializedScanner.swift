import PHPSerialization

/// Finds values in PHP `serialize()` bytes without building them: where each value starts and ends, an array's
/// entries as byte ranges, and small values decoded on demand. Own code, not the unserializer: a daily health
/// export is tens of megabytes, and the hook needs only to cut it into pieces, so the pieces are copied as bytes
/// instead of the whole upload being held a second time as values.
///
/// Anything it does not expect (a reference `r:`/`R:`, whose slot numbers would not survive a cut, or malformed
/// input) throws `Unsupported`, and the caller falls back to the unserializer.
struct SerializedScanner {
    struct Unsupported: Error {}

    /// One entry of an array or object: its key and its value.
    struct Entry {
        var key: Range<Int>
        var value: Range<Int>
    }

    let bytes: [UInt8]

    private let colonMark = UInt8(ascii: ":"), semicolon = UInt8(ascii: ";"), open = UInt8(ascii: "{"), close = UInt8(ascii: "}")

    /// The index after the value starting at `i`.
    func skip(_ i: Int, depth: Int = 0) throws -> Int {
        guard i < bytes.count, depth < 256 else { throw Unsupported() }
        switch bytes[i] {
        case UInt8(ascii: "N"): return try expect(i + 1, semicolon) + 1
        case UInt8(ascii: "b"), UInt8(ascii: "i"), UInt8(ascii: "d"):
            return try find(semicolon, from: i + 2) + 1
        case UInt8(ascii: "s"), UInt8(ascii: "E"):
            let (length, quote) = try number(i + 2, until: colonMark)
            let end = quote + 1 + 1 + length
            guard end + 1 < bytes.count, bytes[quote + 1] == UInt8(ascii: "\""), bytes[end] == UInt8(ascii: "\""),
                  bytes[end + 1] == UInt8(ascii: ";") else { throw Unsupported() }
            return end + 2
        case UInt8(ascii: "a"):
            let (count, brace) = try number(i + 2, until: colonMark)
            var j = try expect(brace + 1, open) + 1
            for _ in 0..<(count * 2) { j = try skip(j, depth: depth + 1) }
            return try expect(j, close) + 1
        case UInt8(ascii: "O"):
            let (length, colon) = try number(i + 2, until: colonMark)
            let afterName = colon + 1 + 1 + length + 1
            let (count, brace) = try number(afterName + 1, until: colonMark)
            var j = try expect(brace + 1, open) + 1
            for _ in 0..<(count * 2) { j = try skip(j, depth: depth + 1) }
            return try expect(j, close) + 1
        default:
            throw Unsupported()  // r:, R:, C: and anything malformed
        }
    }

    /// The entries of the array (`a:`) or object (`O:`) starting at `i`.
    func entries(_ i: Int) throws -> [Entry] {
        guard i < bytes.count else { throw Unsupported() }
        let count: Int, brace: Int
        switch bytes[i] {
        case UInt8(ascii: "a"): (count, brace) = try number(i + 2, until: colonMark)
        case UInt8(ascii: "O"):
            let (length, colon) = try number(i + 2, until: colonMark)
            (count, brace) = try number(colon + 1 + 1 + length + 1 + 1, until: colonMark)
        default: throw Unsupported()
        }
        var j = try expect(brace + 1, open) + 1
        var result: [Entry] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            let keyEnd = try skip(j)
            let valueEnd = try skip(keyEnd)
            result.append(Entry(key: j..<keyEnd, value: keyEnd..<valueEnd))
            j = valueEnd
        }
        return result
    }

    /// Whether the value at `range` is an array.
    func isArray(_ range: Range<Int>) -> Bool { bytes[range.lowerBound] == UInt8(ascii: "a") }

    /// A key's text (`s:` or `i:`), property names without their visibility mangling (`\0*\0name` → `name`).
    func keyText(_ range: Range<Int>) -> String? {
        guard let value = try? decode(range) else { return nil }
        switch value {
        case .int(let n): return String(n)
        case .string(let s):
            let name = s.lastIndex(of: 0).map { s[($0 + 1)...] } ?? s[...]
            return String(decoding: name, as: UTF8.self)
        default: return nil
        }
    }

    /// Whether the keys of these entries are `i:0`, `i:1`, … in order (a PHP list).
    func isList(_ entries: [Entry]) -> Bool {
        for (index, entry) in entries.enumerated() {
            let key = entry.key
            guard key.count >= 4, bytes[key.lowerBound] == UInt8(ascii: "i"), bytes[key.upperBound - 1] == semicolon,
                  let n = try? number(key.lowerBound + 2, until: semicolon).0, n == index,
                  bytes[key.lowerBound + 2] != UInt8(ascii: "0") || key.count == 4 else { return false }
        }
        return true
    }

    /// `i:<n>;`, appended to `out`.
    static func appendIntKey(_ n: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "i"))
        out.append(UInt8(ascii: ":"))
        if n == 0 {
            out.append(UInt8(ascii: "0"))
        } else {
            let start = out.count
            var v = n
            while v > 0 {
                out.append(UInt8(48 + v % 10))
                v /= 10
            }
            out[start...].reverse()
        }
        out.append(UInt8(ascii: ";"))
    }

    /// The value at `range`, built (for small values only).
    func decode(_ range: Range<Int>) throws -> PHPValue {
        try PHPUnserializer.unserialize(bytes[range])
    }

    private func find(_ target: UInt8, from i: Int) throws -> Int {
        var j = i
        while j < bytes.count, bytes[j] != target { j += 1 }
        guard j < bytes.count else { throw Unsupported() }
        return j
    }

    private func expect(_ i: Int, _ c: UInt8) throws -> Int {
        guard i < bytes.count, bytes[i] == c else { throw Unsupported() }
        return i
    }

    /// A decimal number from `i` up to the `until` character: the number and the index of that character.
    private func number(_ i: Int, until c: UInt8) throws -> (Int, Int) {
        let end = try find(c, from: i)
        guard end > i, end - i < 19 else { throw Unsupported() }
        var n = 0
        for byte in bytes[i..<end] {
            guard byte >= 48, byte <= 57 else { throw Unsupported() }
            n = n * 10 + Int(byte - 48)
        }
        return (n, end)
    }
}
