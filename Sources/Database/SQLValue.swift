/// A value bound to or read from a SQL statement: the storage classes SQLite and libpq's text format share.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .text(value) }
}

extension SQLValue {
    /// Convenience for Swift `Int`s (row ids, counters, Unix times).
    public static func int(_ value: Int) -> SQLValue { .int(Int64(value)) }

    /// `nil` becomes SQL `NULL`.
    public static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }

    public var isNull: Bool { self == .null }

    /// The value as an integer; numeric text converts (PostgreSQL `numeric`, SQLite text columns holding digits).
    public var int64: Int64? {
        switch self {
        case .int(let v): return v
        case .double(let v): return v.isFinite && v.rounded(.towardZero) == v ? Int64(exactly: v) : nil
        case .text(let s): return Int64(s.trimmingSQLNumberPadding())
        case .null, .blob: return nil
        }
    }

    public var int: Int? { int64.flatMap { Int(exactly: $0) } }

    public var double: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .text(let s): return Double(s.trimmingSQLNumberPadding())
        case .null, .blob: return nil
        }
    }

    /// The value as text: numbers print in their usual decimal form, blobs decode as UTF-8 when valid.
    public var string: String? {
        switch self {
        case .text(let s): return s
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .blob(let b): return String(validating: b, as: UTF8.self)
        case .null: return nil
        }
    }

    /// The value as bytes: text is its UTF-8.
    public var bytes: [UInt8]? {
        switch self {
        case .blob(let b): return b
        case .text(let s): return Array(s.utf8)
        case .int, .double: return string.map { Array($0.utf8) }
        case .null: return nil
        }
    }
}
