import Digests

/// A Lua script with its SHA-1, computed once so every call can go out as EVALSHA.
///
/// Laravel sends full script text with EVAL on every call; EVALSHA saves shipping the source each time
/// and the semantics are identical (spec §2). Create scripts once (e.g. as `static let`), not per call.
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lower-case hex SHA-1 of `source`, as Redis computes it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hex(source.utf8)
    }
}
