/// A value in PHP's `serialize()` format, as data: decoding never instantiates a class.
///
/// Strings are bytes (`[UInt8]`): PHP strings are not necessarily UTF-8, and `s:` lengths count bytes.
///
/// Equality is "same serialized form": doubles compare by bit pattern (so `-0.0 != 0.0`, as `d:-0;` and
/// `d:0;` differ) and every NaN equals every other NaN (all are written `d:NAN;`).
public enum PHPValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string([UInt8])
    case array(PHPArray)
    case object(PHPObject)
    /// `C:` — a class implementing the legacy `Serializable` interface; `data` is its opaque payload.
    case custom(className: String, data: [UInt8])
    /// `E:` — a PHP 8.1 enum case.
    case enumCase(className: String, caseName: String)
    /// `r:` — the same object as value slot `n` (1-based).
    case objectReference(Int)
    /// `R:` — a PHP reference to value slot `n` (1-based).
    case reference(Int)
}

extension PHPValue {
    public static func == (lhs: PHPValue, rhs: PHPValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return (a.isNaN && b.isNaN) || a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        case (.custom(let c1, let d1), .custom(let c2, let d2)): return c1 == c2 && d1 == d2
        case (.enumCase(let c1, let n1), .enumCase(let c2, let n2)): return c1 == c2 && n1 == n2
        case (.objectReference(let a), .objectReference(let b)): return a == b
        case (.reference(let a), .reference(let b)): return a == b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let v): hasher.combine(1); hasher.combine(v)
        case .int(let v): hasher.combine(2); hasher.combine(v)
        case .double(let v): hasher.combine(3); hasher.combine(v.isNaN ? Double.nan.bitPattern : v.bitPattern)
        case .string(let v): hasher.combine(4); hasher.combine(v)
        case .array(let v): hasher.combine(5); hasher.combine(v)
        case .object(let v): hasher.combine(6); hasher.combine(v)
        case .custom(let c, let d): hasher.combine(7); hasher.combine(c); hasher.combine(d)
        case .enumCase(let c, let n): hasher.combine(8); hasher.combine(c); hasher.combine(n)
        case .objectReference(let v): hasher.combine(9); hasher.combine(v)
        case .reference(let v): hasher.combine(10); hasher.combine(v)
        }
    }
}

extension PHPValue {
    /// Convenience for UTF-8 text.
    public static func string(_ text: String) -> PHPValue { .string(Array(text.utf8)) }

    /// The string decoded as UTF-8 (lossy), when this is a string.
    public var stringValue: String? {
        if case .string(let bytes) = self { return String(decoding: bytes, as: UTF8.self) }
        return nil
    }
    public var intValue: Int? {
        if case .int(let v) = self { return v }
        return nil
    }
    public var boolValue: Bool? {
        if case .bool(let v) = self { return v }
        return nil
    }
    public var doubleValue: Double? {
        switch self {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }
    public var arrayValue: PHPArray? {
        if case .array(let v) = self { return v }
        return nil
    }
    public var objectValue: PHPObject? {
        if case .object(let v) = self { return v }
        return nil
    }
    public var isNull: Bool { self == .null }
}

/// A key of a PHP array. PHP stores decimal-integer-like string keys ("7", "-3") as ints;
/// `PHPArrayKey.normalized(_:)` applies that rule.
public enum PHPArrayKey: Hashable, Sendable {
    case int(Int)
    case string([UInt8])

    public static func string(_ text: String) -> PHPArrayKey { normalized(Array(text.utf8)) }

    /// PHP's rule: a string that is a canonical decimal integer in Int range becomes an int key.
    public static func normalized(_ bytes: [UInt8]) -> PHPArrayKey {
        guard let first = bytes.first, bytes.count <= 20 else { return .string(bytes) }
        var digits = bytes[...]
        if first == UInt8(ascii: "-") { digits = bytes.dropFirst() }
        guard let lead = digits.first, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return .string(bytes) }
        // No leading zeros ("0" itself is fine), and "-0" stays a string.
        if lead == 48 && (digits.count > 1 || first == UInt8(ascii: "-")) { return .string(bytes) }
        guard let value = Int(String(decoding: bytes, as: UTF8.self)) else { return .string(bytes) }
        return .int(value)
    }
}

/// PHP's ordered map. Order is significant: it is the serialization order.
public struct PHPArray: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var key: PHPArrayKey
        public var value: PHPValue
        public init(key: PHPArrayKey, value: PHPValue) { self.key = key; self.value = value }
    }
    public var entries: [Entry]

    public init(entries: [Entry] = []) { self.entries = entries }

    /// A PHP list: keys 0..<n.
    public init(list: [PHPValue]) {
        entries = list.enumerated().map { Entry(key: .int($0.offset), value: $0.element) }
    }

    public var count: Int { entries.count }
    public var isList: Bool { entries.enumerated().allSatisfy { $0.element.key == .int($0.offset) } }
    public var values: [PHPValue] { entries.map(\.value) }

    public subscript(key: PHPArrayKey) -> PHPValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }
    public subscript(key: String) -> PHPValue? {
        get { self[PHPArrayKey.string(key)] }
        set { self[PHPArrayKey.string(key)] = newValue }
    }
}

/// Property visibility, encoded in the serialized name by PHP's name mangling.
public enum PHPVisibility: Hashable, Sendable {
    case `public`
    /// `"\0*\0name"`
    case protected
    /// `"\0DeclaringClass\0name"`
    case `private`(declaringClass: String)
}

public struct PHPProperty: Hashable, Sendable {
    public var name: String
    public var visibility: PHPVisibility
    public var value: PHPValue
    public init(name: String, visibility: PHPVisibility = .public, value: PHPValue) {
        self.name = name; self.visibility = visibility; self.value = value
    }

    /// The name as serialized: mangled with NUL bytes for protected and private properties.
    public var mangledName: [UInt8] {
        switch visibility {
        case .public: return Array(name.utf8)
        case .protected: return [0, 42, 0] + Array(name.utf8)
        case .private(let cls): return [0] + Array(cls.utf8) + [0] + Array(name.utf8)
        }
    }

    /// The public properties every queued job serializes (`InteractsWithQueue`, `Queueable`, `Batchable`,
    /// `SerializesModels`' identifiers): their Strings are reused rather than built for each job.
    static let knownNames = NameTable([
        "job", "connection", "queue", "chainConnection", "chainQueue", "chainCatchCallbacks", "delay",
        "afterCommit", "middleware", "chained", "batchId", "class", "id", "relations", "collectionClass",
    ])

    /// Splits a serialized property name into name and visibility.
    public static func demangle(_ bytes: [UInt8]) -> (name: String, visibility: PHPVisibility) {
        demangle(bytes[...])
    }

    /// The same for a slice of the serialized input, so the unserializer need not copy each name out first.
    static func demangle(_ bytes: ArraySlice<UInt8>) -> (name: String, visibility: PHPVisibility) {
        guard bytes.first == 0, let second = bytes.dropFirst().firstIndex(of: 0) else {
            return (knownNames.name(bytes) ?? String(decoding: bytes, as: UTF8.self), .public)
        }
        let scope = bytes[(bytes.startIndex + 1)..<second]
        let name = String(decoding: bytes[(second + 1)...], as: UTF8.self)
        if scope.elementsEqual([42]) { return (name, .protected) }
        return (name, .private(declaringClass: String(decoding: scope, as: UTF8.self)))
    }
}

/// An object: class name and properties in serialization order.
public struct PHPObject: Hashable, Sendable {
    public var className: String
    public var properties: [PHPProperty]
    public init(className: String, properties: [PHPProperty] = []) {
        self.className = className; self.properties = properties
    }

    /// The first property with this name, whatever its visibility (PHP readers match by name).
    public subscript(name: String) -> PHPValue? {
        // Lengths first: most properties differ in length, and String's == goes the slow way for unequal ones.
        get { properties.first { $0.name.utf8.count == name.utf8.count && $0.name == name }?.value }
        set {
            if let i = properties.firstIndex(where: { $0.name == name }) {
                if let newValue { properties[i].value = newValue } else { properties.remove(at: i) }
            } else if let newValue {
                properties.append(PHPProperty(name: name, value: newValue))
            }
        }
    }
}
