/// A fixed set of names looked up by their UTF-8 bytes, so a parser can hand out the String of a name it has
/// seen before instead of building (and validating) a new one: a job's payload and command repeat the same
/// few dozen keys and property names for every job.
package struct NameTable: Sendable {
    private struct Entry: Sendable {
        let bytes: [UInt8]
        let name: String
    }

    /// Entries by byte length.
    private let byLength: [[Entry]]

    package init(_ names: [String]) {
        var byLength: [[Entry]] = Array(repeating: [], count: (names.map(\.utf8.count).max() ?? 0) + 1)
        for name in names { byLength[name.utf8.count].append(Entry(bytes: Array(name.utf8), name: name)) }
        self.byLength = byLength
    }

    /// The table's String for exactly these bytes, nil when they are not one of its names.
    @inline(__always)
    package func name(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count < byLength.count, bytes.count > 0 else { return nil }
        for entry in byLength[bytes.count] where entry.bytes[0] == bytes[0] {
            if entry.bytes.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return entry.name }
        }
        return nil
    }

    /// `name(_:)` for a slice of an array.
    package func name(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { name($0) }
    }
}
