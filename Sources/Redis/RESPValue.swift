/// One RESP2 reply, copied out of hiredis' reply tree so it outlives `freeReplyObject`.
///
/// hiredis 0.14 speaks RESP2 only, so these six shapes are all a server can send.
public enum RESPValue: Sendable, Hashable {
    /// Nil bulk string or nil array (`$-1` / `*-1`), e.g. GET of a missing key, BLPOP timing out.
    case null
    case simpleString(String)
    /// An error reply. `RedisConnection.send` throws these; `pipeline` returns them in place.
    case error(String)
    case integer(Int)
    /// Binary-safe payload: job payloads may hold any byte, NUL included.
    case bulkString([UInt8])
    case array([RESPValue])

    /// Bytes of a bulk or simple string; `nil` for other shapes.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let b): b
        case .simpleString(let s): Array(s.utf8)
        default: nil
        }
    }

    /// Text of a bulk or simple string (bulk bytes decoded as UTF-8, invalid sequences repaired).
    public var string: String? {
        switch self {
        case .bulkString(let b): String(decoding: b, as: UTF8.self)
        case .simpleString(let s): s
        default: nil
        }
    }

    /// An integer reply, or a bulk/simple string holding a decimal integer (Redis returns counters
    /// stored with SET/INCR as bulk strings, so GET of one should read as a number too).
    public var int: Int? {
        switch self {
        case .integer(let i): i
        case .bulkString(let b): Int(String(decoding: b, as: UTF8.self))
        case .simpleString(let s): Int(s)
        default: nil
        }
    }

    /// Elements of an array reply; `nil` for other shapes (including a nil array).
    public var array: [RESPValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The error text of an error reply.
    public var errorMessage: String? {
        if case .error(let e) = self { return e }
        return nil
    }
}
