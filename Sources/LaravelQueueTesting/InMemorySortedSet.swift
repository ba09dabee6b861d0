/// A Redis sorted set of byte strings, for `InMemoryQueue`'s `reserved` and `delayed` sets: one entry per
/// distinct member, ordered by score then by member bytes (memcmp order, as Redis orders equal scores).
///
/// A plain sorted array: test queues hold a handful of jobs, and keeping Redis' order exactly matters more
/// here than speed.
struct InMemorySortedSet: Sendable {
    private(set) var entries: [(member: [UInt8], score: Int)] = []

    var count: Int { entries.count }

    func score(of member: [UInt8]) -> Int? {
        entries.first { $0.member == member }?.score
    }

    /// ZADD: adds the member, or moves it to its new score when present.
    mutating func add(_ member: [UInt8], score: Int) {
        remove(member)
        let index = entries.firstIndex { Self.precedes((member, score), $0) } ?? entries.endIndex
        entries.insert((member, score), at: index)
    }

    /// ZREM: true when the member was there.
    @discardableResult
    mutating func remove(_ member: [UInt8]) -> Bool {
        guard let index = entries.firstIndex(where: { $0.member == member }) else { return false }
        entries.remove(at: index)
        return true
    }

    /// ZRANGEBYSCORE -inf `maxScore` [LIMIT 0 `limit`] then ZREMRANGEBYRANK of those: the members due by
    /// `maxScore`, lowest first; a negative `limit` takes them all.
    mutating func removeDue(upTo maxScore: Int, limit: Int) -> [[UInt8]] {
        var due = entries.prefix { $0.score <= maxScore }.count
        if limit >= 0 { due = min(due, limit) }
        defer { entries.removeFirst(due) }
        return entries.prefix(due).map(\.member)
    }

    private static func precedes(_ a: (member: [UInt8], score: Int), _ b: (member: [UInt8], score: Int)) -> Bool {
        a.score != b.score ? a.score < b.score : a.member.lexicographicallyPrecedes(b.member)
    }
}
