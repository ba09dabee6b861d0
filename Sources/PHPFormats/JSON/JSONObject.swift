import PHPSerialization
/// A JSON object with its members in document order (PHP writes insertion order; cjson writes hash order,
/// and a reserved payload must be reproduced as read).
public struct JSONObject: Hashable, Sendable, Sequence {
    public struct Member: Hashable, Sendable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) { self.key = key; self.value = value }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    /// Reading takes the last duplicate (as PHP's and cjson's decoders do); writing replaces it in place,
    /// or appends a new key at the end, like assigning to a PHP array.
    public subscript(key: String) -> JSONValue? {
        // Lengths first: most members differ in length, and String's == goes the slow way for unequal ones.
        get { members.last { $0.key.utf8.count == key.utf8.count && $0.key == key }?.value }
        set {
            if let i = members.lastIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.removeAll { $0.key == key } }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public func contains(_ key: String) -> Bool { members.contains { $0.key == key } }

    /// PHP's `array_merge` for string keys: existing keys keep their position with the new value, new keys are appended.
    public mutating func merge(_ other: JSONObject) {
        for member in other.members { self[member.key] = member.value }
    }
}
