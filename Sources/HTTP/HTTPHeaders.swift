/// A request's or response's header fields: ordered (name, value) pairs, as sent or received, so repeated
/// names (`Set-Cookie`) and their order survive. Names compare case-insensitively (ASCII), as HTTP says.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)

    private var pairs: [Element]

    public init() {
        pairs = []
    }

    public init(_ pairs: [(String, String)]) {
        self.pairs = pairs.map { (name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public mutating func add(name: String, value: String) {
        pairs.append((name: name, value: value))
    }

    /// Sets `name` to `value` alone: earlier fields of that name are removed.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    public mutating func remove(name: String) {
        pairs.removeAll { Self.same($0.name, name) }
    }

    /// The first value of `name`, whatever its case.
    public subscript(name: String) -> String? {
        pairs.first { Self.same($0.name, name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        pairs.filter { Self.same($0.name, name) }.map(\.value)
    }

    public func contains(name: String) -> Bool {
        pairs.contains { Self.same($0.name, name) }
    }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }

    public func makeIterator() -> IndexingIterator<[Element]> {
        pairs.makeIterator()
    }

    /// ASCII case-insensitive equality: header names are tokens, so no Unicode folding applies.
    static func same(_ a: String, _ b: String) -> Bool {
        let a = a.utf8, b = b.utf8
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { lower($0) == lower($1) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}

extension HTTPHeaders: CustomStringConvertible {
    /// Names only: values may be credentials (`Authorization`, cookies), and descriptions end up in logs.
    public var description: String {
        "HTTPHeaders(\(pairs.map(\.name).joined(separator: ", ")))"
    }
}
