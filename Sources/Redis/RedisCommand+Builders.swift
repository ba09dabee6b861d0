/// Builders for the commands a Laravel queue worker (and its tests) issue. Key parameters are
/// `.key`-tagged, so the connection prefixes them; values, members, fields and ARGV never are.
extension RedisCommand {
    // MARK: Connection and server

    public static func ping() -> RedisCommand { RedisCommand("PING") }
    public static func info(_ section: String? = nil) -> RedisCommand {
        RedisCommand("INFO", section.map { [.value($0)] } ?? [])
    }
    public static func flushdb() -> RedisCommand { RedisCommand("FLUSHDB") }
    public static func time() -> RedisCommand { RedisCommand("TIME") }
    public static func select(_ database: Int) -> RedisCommand {
        var command = RedisCommand("SELECT", [.value(database)])
        command.selectedDatabase = database
        return command
    }

    // MARK: Keys and strings

    public static func get(_ key: String) -> RedisCommand { RedisCommand("GET", [.key(key)]) }

    /// SET with the options Laravel's cache/lock code uses: `EX seconds` and `NX`.
    public static func set(_ key: String, _ value: some RedisValueConvertible, ex seconds: Int? = nil, nx: Bool = false) -> RedisCommand {
        var args: [RedisArgument] = [.key(key), .value(value.redisBytes)]
        if let seconds { args += ["EX", .value(seconds)] }
        if nx { args.append("NX") }
        return RedisCommand("SET", args)
    }
    public static func del(_ keys: String...) -> RedisCommand { del(keys) }
    public static func del(_ keys: [String]) -> RedisCommand { RedisCommand("DEL", keys.map { .key($0) }) }
    public static func exists(_ keys: String...) -> RedisCommand { RedisCommand("EXISTS", keys.map { .key($0) }) }
    public static func incr(_ key: String) -> RedisCommand { RedisCommand("INCR", [.key(key)]) }
    public static func incrby(_ key: String, _ amount: Int) -> RedisCommand { RedisCommand("INCRBY", [.key(key), .value(amount)]) }
    public static func decr(_ key: String) -> RedisCommand { RedisCommand("DECR", [.key(key)]) }
    public static func expire(_ key: String, seconds: Int) -> RedisCommand { RedisCommand("EXPIRE", [.key(key), .value(seconds)]) }
    public static func expireat(_ key: String, timestamp: Int) -> RedisCommand { RedisCommand("EXPIREAT", [.key(key), .value(timestamp)]) }
    public static func ttl(_ key: String) -> RedisCommand { RedisCommand("TTL", [.key(key)]) }

    /// KEYS with the pattern prefixed, as phpredis does; the reply holds full (prefixed) key names.
    public static func keys(pattern: String) -> RedisCommand { RedisCommand("KEYS", [.key(pattern)]) }

    // MARK: Lists

    public static func rpush(_ key: String, _ values: [some RedisValueConvertible]) -> RedisCommand {
        RedisCommand("RPUSH", [.key(key)] + values.map { .value($0.redisBytes) })
    }
    public static func rpush(_ key: String, _ value: some RedisValueConvertible) -> RedisCommand { rpush(key, [value]) }
    public static func lpush(_ key: String, _ values: [some RedisValueConvertible]) -> RedisCommand {
        RedisCommand("LPUSH", [.key(key)] + values.map { .value($0.redisBytes) })
    }
    public static func lpush(_ key: String, _ value: some RedisValueConvertible) -> RedisCommand { lpush(key, [value]) }
    public static func lpop(_ key: String) -> RedisCommand { RedisCommand("LPOP", [.key(key)]) }
    public static func rpop(_ key: String) -> RedisCommand { RedisCommand("RPOP", [.key(key)]) }
    public static func llen(_ key: String) -> RedisCommand { RedisCommand("LLEN", [.key(key)]) }
    public static func lindex(_ key: String, _ index: Int) -> RedisCommand { RedisCommand("LINDEX", [.key(key), .value(index)]) }
    public static func lrange(_ key: String, _ start: Int, _ stop: Int) -> RedisCommand {
        RedisCommand("LRANGE", [.key(key), .value(start), .value(stop)])
    }
    public static func lrem(_ key: String, count: Int, _ value: some RedisValueConvertible) -> RedisCommand {
        RedisCommand("LREM", [.key(key), .value(count), .value(value.redisBytes)])
    }

    /// BLPOP over `keys` (each prefixed); the timeout is a value. The connection waits `timeout`
    /// plus its command timeout for the reply. Reply: `.null` on timeout, else `[key, element]`.
    public static func blpop(keys: [String], timeout: Duration) -> RedisCommand {
        var command = RedisCommand("BLPOP", keys.map { .key($0) } + [.value(seconds(timeout))])
        command.blockingTimeout = timeout
        return command
    }

    // MARK: Sorted sets

    public static func zadd(_ key: String, _ members: [(score: Double, member: [UInt8])]) -> RedisCommand {
        var args: [RedisArgument] = [.key(key)]
        args.reserveCapacity(1 + members.count * 2)
        for (score, member) in members { args += [.value(score), .value(member)] }
        return RedisCommand("ZADD", args)
    }
    public static func zadd(_ key: String, score: Double, member: some RedisValueConvertible) -> RedisCommand {
        zadd(key, [(score, member.redisBytes)])
    }
    public static func zrem(_ key: String, _ members: [some RedisValueConvertible]) -> RedisCommand {
        RedisCommand("ZREM", [.key(key)] + members.map { .value($0.redisBytes) })
    }
    public static func zrem(_ key: String, _ member: some RedisValueConvertible) -> RedisCommand { zrem(key, [member]) }
    public static func zcard(_ key: String) -> RedisCommand { RedisCommand("ZCARD", [.key(key)]) }
    public static func zscore(_ key: String, _ member: some RedisValueConvertible) -> RedisCommand {
        RedisCommand("ZSCORE", [.key(key), .value(member.redisBytes)])
    }
    /// `min`/`max` are Redis score bounds: `"-inf"`, `"(5"`, `"1700000000"`.
    public static func zrangebyscore(_ key: String, min: String, max: String, withScores: Bool = false, limit: (offset: Int, count: Int)? = nil) -> RedisCommand {
        var args: [RedisArgument] = [.key(key), .value(min), .value(max)]
        if withScores { args.append("WITHSCORES") }
        if let limit { args += ["LIMIT", .value(limit.offset), .value(limit.count)] }
        return RedisCommand("ZRANGEBYSCORE", args)
    }
    public static func zrange(_ key: String, _ start: Int, _ stop: Int, withScores: Bool = false) -> RedisCommand {
        RedisCommand("ZRANGE", [.key(key), .value(start), .value(stop)] + (withScores ? ["WITHSCORES"] : []))
    }
    public static func zremrangebyscore(_ key: String, min: String, max: String) -> RedisCommand {
        RedisCommand("ZREMRANGEBYSCORE", [.key(key), .value(min), .value(max)])
    }

    // MARK: Hashes

    public static func hset(_ key: String, _ field: String, _ value: some RedisValueConvertible) -> RedisCommand {
        RedisCommand("HSET", [.key(key), .value(field), .value(value.redisBytes)])
    }
    /// HSET of several fields at once, in the order given.
    public static func hset(_ key: String, fields: [(String, [UInt8])]) -> RedisCommand {
        var args: [RedisArgument] = [.key(key)]
        for (field, value) in fields { args += [.value(field), .value(value)] }
        return RedisCommand("HSET", args)
    }
    public static func hsetnx(_ key: String, _ field: String, _ value: some RedisValueConvertible) -> RedisCommand {
        RedisCommand("HSETNX", [.key(key), .value(field), .value(value.redisBytes)])
    }
    public static func hget(_ key: String, _ field: String) -> RedisCommand { RedisCommand("HGET", [.key(key), .value(field)]) }
    public static func hmget(_ key: String, _ fields: [String]) -> RedisCommand {
        RedisCommand("HMGET", [.key(key)] + fields.map { .value($0) })
    }
    public static func hgetall(_ key: String) -> RedisCommand { RedisCommand("HGETALL", [.key(key)]) }
    public static func hdel(_ key: String, _ fields: [String]) -> RedisCommand {
        RedisCommand("HDEL", [.key(key)] + fields.map { .value($0) })
    }
    public static func hincrby(_ key: String, _ field: String, _ amount: Int) -> RedisCommand {
        RedisCommand("HINCRBY", [.key(key), .value(field), .value(amount)])
    }

    // MARK: Sets

    public static func sadd(_ key: String, _ members: [some RedisValueConvertible]) -> RedisCommand {
        RedisCommand("SADD", [.key(key)] + members.map { .value($0.redisBytes) })
    }
    public static func srem(_ key: String, _ members: [some RedisValueConvertible]) -> RedisCommand {
        RedisCommand("SREM", [.key(key)] + members.map { .value($0.redisBytes) })
    }
    public static func smembers(_ key: String) -> RedisCommand { RedisCommand("SMEMBERS", [.key(key)]) }
    public static func sismember(_ key: String, _ member: some RedisValueConvertible) -> RedisCommand {
        RedisCommand("SISMEMBER", [.key(key), .value(member.redisBytes)])
    }

    // MARK: Transactions and scripts

    public static func multi() -> RedisCommand { RedisCommand("MULTI") }
    public static func exec() -> RedisCommand { RedisCommand("EXEC") }

    /// EVALSHA of `script` with exactly `keys` as KEYS (prefixed) and `arguments` as ARGV (never
    /// prefixed). Usable in `send` and `pipeline`: the connection loads the script when it has not
    /// yet on this connection, and re-runs it as EVAL if the server answers NOSCRIPT.
    public static func evalsha(_ script: RedisScript, keys: [String], arguments: [RedisArgument]) -> RedisCommand {
        var args: [RedisArgument] = [.value(script.sha1), .value(keys.count)]
        args.reserveCapacity(2 + keys.count + arguments.count)
        for key in keys { args.append(.key(key)) }
        for argument in arguments { args.append(argument.unprefixed) }
        var command = RedisCommand("EVALSHA", args)
        command.script = script
        return command
    }

    /// Plain EVAL sending the source every time, as Laravel does. Prefer `evalsha`.
    public static func eval(_ script: RedisScript, keys: [String], arguments: [RedisArgument]) -> RedisCommand {
        RedisCommand("EVAL", [.value(script.source), .value(keys.count)] + keys.map { .key($0) } + arguments.map(\.unprefixed))
    }

    /// BLPOP's timeout in seconds: integer when whole (what phpredis sends), decimal otherwise (Redis 6+).
    static func seconds(_ duration: Duration) -> [UInt8] {
        let (s, atto) = duration.components
        if atto == 0 { return Array(String(s).utf8) }
        return (Double(s) + Double(atto) / 1e18).redisBytes
    }
}

extension RedisArgument {
    /// ARGV are never prefixed, even when a caller tagged one as `.key` (spec §1.3).
    var unprefixed: RedisArgument {
        if case .key(let name) = self { return .value(Array(name.utf8)) }
        return self
    }
}
