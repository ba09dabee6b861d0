import Redis
import PHPFormats

/// The Lua scripts Shuttle runs on the queue keys. Each has the effect on Redis of Laravel's script of the
/// same name (spec §2), written anew; they run by EVALSHA. Where Shuttle's differs it says why.
enum QueueScripts {
    /// KEYS: ready, notify · ARGV: payload. Laravel's `push`.
    static let push = RedisScript("""
        redis.call('rpush', KEYS[1], ARGV[1])
        redis.call('rpush', KEYS[2], 1)
        """)

    /// KEYS: delayed · ARGV: available-at, payload. Laravel 12.45+'s `later`.
    static let later = RedisScript("""
        redis.call('zadd', KEYS[1], ARGV[1], ARGV[2])
        """)

    /// KEYS: ready, reserved, notify, quarantine · ARGV: reservation expiry, how many.
    ///
    /// Up to ARGV[2] of Laravel's `pop` in one call: for each job, LPOP, attempts + 1 through cjson, ZADD to
    /// reserved, LPOP one notify token — the same commands on the same keys as one pop each. Unlike Laravel's,
    /// an element that is not JSON, has no numeric `attempts` or cannot be re-encoded (cjson refuses the inf it
    /// decodes from `1e400`) is not lost: it moves to the quarantine list
    /// and is returned flagged, so the worker can record it as a failed job.
    /// Reply: a flat array of triples [original, reserved-or-false, poison-flag].
    static let pop = RedisScript("""
        local out = {}
        local n = tonumber(ARGV[2])
        for i = 1, n do
          local job = redis.call('lpop', KEYS[1])
          if not job then break end
          local ok, decoded = pcall(cjson.decode, job)
          local reserved
          if ok and type(decoded) == 'table' and tonumber(decoded['attempts']) ~= nil then
            decoded['attempts'] = decoded['attempts'] + 1
            ok, reserved = pcall(cjson.encode, decoded)
          else
            ok = false
          end
          if ok then
            redis.call('zadd', KEYS[2], ARGV[1], reserved)
            redis.call('lpop', KEYS[3])
            out[#out + 1] = job
            out[#out + 1] = reserved
            out[#out + 1] = 0
          else
            redis.call('rpush', KEYS[4], job)
            redis.call('lpop', KEYS[3])
            out[#out + 1] = job
            out[#out + 1] = false
            out[#out + 1] = 1
          end
        end
        return out
        """)

    /// KEYS: source zset, ready, notify · ARGV: now, limit (negative: no limit). Laravel's `migrateExpiredJobs`.
    static let migrateExpiredJobs = RedisScript("""
        local limit = tonumber(ARGV[2])
        local due
        if limit ~= nil and limit >= 0 then
          due = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'limit', 0, limit)
        else
          due = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1])
        end
        if #due > 0 then
          redis.call('zremrangebyrank', KEYS[1], 0, #due - 1)
          for first = 1, #due, 100 do
            local last = math.min(first + 99, #due)
            redis.call('rpush', KEYS[2], unpack(due, first, last))
            for _ = first, last do
              redis.call('rpush', KEYS[3], 1)
            end
          end
        end
        return due
        """)

    /// KEYS: delayed, reserved · ARGV: reserved payload (exact bytes), available-at. Laravel's `release`.
    static let release = RedisScript("""
        redis.call('zrem', KEYS[2], ARGV[1])
        redis.call('zadd', KEYS[1], ARGV[2], ARGV[1])
        return true
        """)

    /// KEYS: ready, delayed, reserved. Laravel's `size`.
    static let size = RedisScript("""
        return redis.call('llen', KEYS[1]) + redis.call('zcard', KEYS[2]) + redis.call('zcard', KEYS[3])
        """)

    /// KEYS: ready, delayed, reserved, notify. Laravel's `clear`.
    static let clear = RedisScript("""
        local size = redis.call('llen', KEYS[1]) + redis.call('zcard', KEYS[2]) + redis.call('zcard', KEYS[3])
        redis.call('del', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
        return size
        """)

    /// KEYS: reserved, target ready, target notify · ARGV: reserved bytes, original bytes, 1 = to the head.
    ///
    /// Shuttle's hand-back of a job it does not implement: atomically take the reservation away and put the
    /// original bytes (attempts unspent) back for PHP, with a notify token so a blocked PHP worker wakes.
    /// Does nothing when the reservation is already gone (migrated back by another worker meanwhile).
    static let handBack = RedisScript("""
        if redis.call('zrem', KEYS[1], ARGV[1]) == 0 then return 0 end
        if ARGV[3] == '1' then
          redis.call('lpush', KEYS[2], ARGV[2])
        else
          redis.call('rpush', KEYS[2], ARGV[2])
        end
        redis.call('rpush', KEYS[3], 1)
        return 1
        """)

    /// KEYS: reserved · ARGV: new expiry, reserved bytes. Shuttle's renewal: a new score only for a member that is
    /// still there. Replies 1 when it was (even if the score did not change), 0 when the reservation is gone —
    /// `ZADD XX CH` alone cannot tell "unchanged" from "gone".
    static let renew = RedisScript("""
        if redis.call('zscore', KEYS[1], ARGV[2]) == false then return 0 end
        redis.call('zadd', KEYS[1], ARGV[1], ARGV[2])
        return 1
        """)
}
