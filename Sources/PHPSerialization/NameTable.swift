/// A fixed set of names looked up by their UTF-8 bytes, so a parser can hand out the String of a name it has
/// seen before instead of building (and validating) a new one: a job's payload and command repeat the same
/// few dozen keys and property names for every job.
///
/// A class holding flat buffers, read through pointers: a lookup retains nothing. Names are grouped by length
/// and compared by their first eight bytes as one word, then the rest.
package final class NameTable: Sendable {
    /// Every name's bytes, back to back, in length order.
    private let storage: [UInt8]
    /// Per name, in length order: its first eight bytes as a word, its offset in `storage`, its String.
    private let heads: [UInt64]
    private let offsets: [Int]
    private let names: [String]
    /// The names of length `n` are `starts[n]..<starts[n + 1]`.
    private let starts: [Int]

    package init(_ list: [String]) {
        let sorted = list.sorted { $0.utf8.count < $1.utf8.count }
        var storage: [UInt8] = [], heads: [UInt64] = [], offsets: [Int] = []
        for name in sorted {
            let bytes = Array(name.utf8)
            offsets.append(storage.count)
            storage += bytes
            heads.append(bytes.withUnsafeBufferPointer { Self.head($0) })
        }
        let longest = sorted.last?.utf8.count ?? 0
        self.starts = (0...(longest + 1)).map { n in sorted.firstIndex { $0.utf8.count >= n } ?? sorted.count }
        self.storage = storage
        self.heads = heads
        self.offsets = offsets
        self.names = sorted
    }

    /// The table's String for exactly these bytes, nil when they are not one of its names.
    package func name(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let n = bytes.count
        guard n > 0, n + 1 < starts.count else { return nil }
        let head = Self.head(bytes)
        let found: Int? = heads.withUnsafeBufferPointer { heads in
            var i = starts[n]
            let end = starts[n + 1]
            while i < end {
                if heads[i] == head, n <= 8 || rest(matches: bytes, at: offsets[i]) { return i }
                i &+= 1
            }
            return nil
        }
        return found.map { names[$0] }
    }

    /// `name(_:)` for a slice of an array.
    package func name(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { name($0) }
    }

    /// Bytes 8… of `bytes` against the stored name at `offset` (same length, first eight equal).
    private func rest(matches bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        storage.withUnsafeBufferPointer { stored in
            var i = 8
            while i < bytes.count {
                if stored[offset &+ i] != bytes[i] { return false }
                i &+= 1
            }
            return true
        }
    }

    /// The first (up to) eight bytes, the first in the lowest byte.
    @inline(__always)
    private static func head(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress else { return 0 }
        if bytes.count >= 8 { return UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(as: UInt64.self)) }
        var word: UInt64 = 0
        for i in 0..<bytes.count { word |= UInt64(base[i]) << (8 * UInt64(i)) }
        return word
    }
}
