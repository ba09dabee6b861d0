/// One argument of a command, tagged so the connection knows what to prefix.
///
/// phpredis applies `OPT_PREFIX` to key arguments only (spec §1.3); keeping the distinction in the type
/// lets `RedisConnection` prefix exactly the `.key`s and never a payload, member or ARGV.
public enum RedisArgument: Sendable, Hashable {
    /// A key name, sent as `keyPrefix + name`.
    case key(String)
    /// Anything else, sent verbatim.
    case value([UInt8])

    public static func value(_ text: String) -> RedisArgument { .value(Array(text.utf8)) }
    public static func value(_ number: Int) -> RedisArgument { .value(Array(String(number).utf8)) }
    public static func value(_ number: Double) -> RedisArgument { .value(number.redisBytes) }
}

/// String literals are values (`"1"`, `"EX"`): a key must say so with `.key`.
extension RedisArgument: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .value(Array(value.utf8)) }
}

extension RedisArgument: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .value(Array(String(value).utf8)) }
}
