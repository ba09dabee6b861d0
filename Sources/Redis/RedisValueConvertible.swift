/// Something that can be sent as a (never prefixed) value argument: payloads, members, ARGV, counts.
public protocol RedisValueConvertible: Sendable {
    /// The exact bytes Redis receives.
    var redisBytes: [UInt8] { get }
}

extension Array: RedisValueConvertible where Element == UInt8 {
    public var redisBytes: [UInt8] { self }
}

extension ArraySlice: RedisValueConvertible where Element == UInt8 {
    public var redisBytes: [UInt8] { Array(self) }
}

extension String: RedisValueConvertible {
    public var redisBytes: [UInt8] { Array(utf8) }
}

extension Substring: RedisValueConvertible {
    public var redisBytes: [UInt8] { Array(utf8) }
}

extension Int: RedisValueConvertible {
    public var redisBytes: [UInt8] { Array(String(self).utf8) }
}

extension Double: RedisValueConvertible {
    /// Integral values print without a fraction (`1700000000`, as PHP sends timestamps); others in
    /// Swift's shortest round-trip form, which Redis' `strtod` parses; infinities as `+inf`/`-inf`.
    public var redisBytes: [UInt8] {
        if isInfinite { return Array((self < 0 ? "-inf" : "+inf").utf8) }
        if self == rounded(), abs(self) < 9_007_199_254_740_992 { return Array(String(Int(self)).utf8) }
        return Array(description.utf8)
    }
}
