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

    /// The job class of a list element, as the worker dispatches on it (`data.commandName`, else `job`),
    /// lower-cased and without a leading `\`, as `JobRegistry` keys it; nil when it has none. The second
    /// result is true when the element is not a JSON object at all.
    ///
    /// Fast path without decoding: when the element holds exactly one `commandName":"`, as a `"commandName":"` key
    /// (preceded by `{` or `,`, so it is a key and not text inside a string, where every quote is escaped) whose
    /// value has only `\\` and `\/` escapes, that value is the class, whatever the key order (cjson re-encodes
    /// in its own order and writes `\/`). Anything else is decoded with cjson.
    static let classOf = #"""
        -- ARGV[4..]: the classes, normalized; wantedRaw: each as json_encode writes it, when it can match.
        local wanted, wantedRaw = {}, {}
        for i = 4, #ARGV do
          wanted[ARGV[i]] = true
          if string.sub(ARGV[i], 1, 1) ~= '\\' then wantedRaw[(string.gsub(ARGV[i], '\\', '\\\\'))] = ARGV[i] end
        end
        -- The class of a decoded element, as `classOf` reads it.
        local function classOfDecoded(decoded)
          local name = type(decoded['data']) == 'table' and decoded['data']['commandName'] or nil
          if type(name) ~= 'string' then name = decoded['job'] end
          if type(name) ~= 'string' then return nil end
          if string.sub(name, 1, 1) == '\\' then name = string.sub(name, 2) end
          return string.lower(name)
        end
        local function classOf(job)
          -- Searched without its opening quote: string.find tries every position holding the pattern's first
          -- byte, and a payload has far fewer `c`s than quotes. `commandName":"` cannot occur inside a JSON string
          -- (its quotes would be escaped), so every occurrence is a key; the first must be `"commandName":"`.
          local key = 'commandName":"'
          local c, e = string.find(job, key, 1, true)
          local s = c and c - 1
          if s and s > 1 and string.sub(job, s, s) == '"' and not string.find(job, key, e + 1, true) then
            local before = string.sub(job, s - 1, s - 1)
            local close = string.find(job, '"', e + 1, true)
            if close and (before == '{' or before == ',') then
              local raw = string.sub(job, e + 1, close - 1)
              -- One of the wanted classes as json_encode writes it (every `\` as `\\`, nothing else escaped):
              -- no unescaping needed.
              local hit = wantedRaw[string.lower(raw)]
              if hit then return hit, false end
              local plain = true
              local name = string.gsub(raw, '\\(.)', function(c)
                if c == '\\' or c == '/' then return c end
                plain = false
                return c
              end)
              if plain and string.sub(raw, -1) ~= '\\' then
                if string.sub(name, 1, 1) == '\\' then name = string.sub(name, 2) end
                return string.lower(name), false
              end
            end
          end
          local ok, decoded = pcall(cjson.decode, job)
          if not ok or type(decoded) ~= 'table' then return nil, true end
          return classOfDecoded(decoded), false
        end
        -- Laravel's pop on an element cjson decoded: attempts + 1, re-encoded; nil when its pop would lose it.
        local function reservedCopyOf(decoded)
          if tonumber(decoded['attempts']) ~= nil then
            decoded['attempts'] = decoded['attempts'] + 1
            local ok, encoded = pcall(cjson.encode, decoded)
            if ok then return encoded end
          end
          return nil
        end
        local function reservedCopy(job)
          local ok, decoded = pcall(cjson.decode, job)
          if ok and type(decoded) == 'table' then return reservedCopyOf(decoded) end
          return nil
        end
        local function reservable(job)
          local ok, decoded = pcall(cjson.decode, job)
          return ok and type(decoded) == 'table' and tonumber(decoded['attempts']) ~= nil
        end

        """#

    /// KEYS: ready, reserved, notify, quarantine · ARGV: reservation expiry, how many, window, classes…
    ///
    /// Selective reservation, for a queue shared with PHP workers: among the first `window` elements, reserves
    /// up to `how many` whose class is one of `classes`, each exactly as Laravel's pop (removed from the list,
    /// attempts + 1 in the reserved copy, ZADD at the expiry, one notify token). PHP's jobs stay where they are,
    /// in their order. An element that is not JSON, or one of Shuttle's classes that Laravel's pop would lose,
    /// moves to quarantine as in `pop` (it is nobody's job to run, and PHP's pop would drop it).
    /// Reply: flat triples [original, reserved-or-false, 0 reserved / 1 quarantined], then how many elements
    /// were passed over (left for PHP).
    static let popSelected = RedisScript(classOf + """
        local out = {}
        local n = tonumber(ARGV[2])
        local window = tonumber(ARGV[3])
        local taken, scanned, pos = 0, 0, 0
        -- While the head holds Shuttle's jobs, each is read with LINDEX and LPOPped as Laravel's pop does: no
        -- LRANGE copy of the window first (that copy was a tenth of Redis's work per job). A PHP job at the head
        -- is only read, never popped and pushed back (replicas, the AOF and MONITOR see no move of PHP's jobs).
        -- An element read at the head is decoded once: its class and its reserved copy both come from that.
        while taken < n and scanned < window and pos == 0 do
          local job = redis.call('lindex', KEYS[1], 0)
          if not job then break end
          scanned = scanned + 1
          local ok, decoded = pcall(cjson.decode, job)
          local class, notJSON = nil, not ok or type(decoded) ~= 'table'
          if not notJSON then class = classOfDecoded(decoded) end
          local reserved = nil
          if wanted[class] then reserved = reservedCopyOf(decoded) end
          if reserved then
            redis.call('lpop', KEYS[1])
            redis.call('zadd', KEYS[2], ARGV[1], reserved)
            redis.call('lpop', KEYS[3])
            out[#out + 1] = job
            out[#out + 1] = reserved
            out[#out + 1] = 0
            taken = taken + 1
          elseif notJSON or wanted[class] then
            redis.call('lpop', KEYS[1])
            redis.call('rpush', KEYS[4], job)
            redis.call('lpop', KEYS[3])
            out[#out + 1] = job
            out[#out + 1] = false
            out[#out + 1] = 1
          else
            pos = 1
          end
        end
        -- Past a PHP job: read the rest of the window in chunks the size of what is still wanted, and take
        -- Shuttle's out from between PHP's (LREM), leaving PHP's where they are.
        while taken < n and scanned < window do
          local chunk = math.min(n - taken, window - scanned)
          local items = redis.call('lrange', KEYS[1], pos, pos + chunk - 1)
          if #items == 0 then break end
          for _, job in ipairs(items) do
            scanned = scanned + 1
            local class, notJSON = classOf(job)
            local reserved = nil
            if wanted[class] then reserved = reservedCopy(job) end
            if reserved then
              redis.call('lrem', KEYS[1], 1, job)
              redis.call('zadd', KEYS[2], ARGV[1], reserved)
              redis.call('lpop', KEYS[3])
              out[#out + 1] = job
              out[#out + 1] = reserved
              out[#out + 1] = 0
              taken = taken + 1
            elseif notJSON or wanted[class] then
              redis.call('lrem', KEYS[1], 1, job)
              redis.call('rpush', KEYS[4], job)
              redis.call('lpop', KEYS[3])
              out[#out + 1] = job
              out[#out + 1] = false
              out[#out + 1] = 1
            else
              pos = pos + 1
            end
          end
        end
        out[#out + 1] = pos
        return out
        """)

    /// KEYS: ready, reserved, notify, quarantine, target ready, target notify · ARGV: reservation expiry, slots,
    /// batch, classes…
    ///
    /// Router mode (Shuttle alone reads this queue): takes up to `batch` elements from the head in order; those
    /// of `classes` are reserved as Laravel's pop does (while slots remain: the first one beyond stops the
    /// batch, still at the head), the rest go to the target queue's tail with their original bytes and a notify
    /// token each, in their order, attempts unspent. An element Laravel's pop would lose moves to quarantine,
    /// as in `pop`. Reply: flat triples [original, reserved-or-false, 0 reserved / 1 quarantined / 2 routed].
    static let route = RedisScript(classOf + """
        local out = {}
        local slots = tonumber(ARGV[2])
        local batch = redis.call('lrange', KEYS[1], 0, tonumber(ARGV[3]) - 1)
        local routed = {}
        local consumed = 0
        for _, job in ipairs(batch) do
          local class, notJSON = classOf(job)
          local flag, reserved = 2, false
          if wanted[class] then
            reserved = reservedCopy(job)
            if reserved then flag = 0 else flag = 1; reserved = false end
          elseif notJSON or not reservable(job) then
            flag = 1
          end
          if flag == 0 then
            if slots <= 0 then break end
            slots = slots - 1
            redis.call('zadd', KEYS[2], ARGV[1], reserved)
          elseif flag == 1 then
            redis.call('rpush', KEYS[4], job)
          else
            routed[#routed + 1] = job
          end
          out[#out + 1] = job
          out[#out + 1] = reserved
          out[#out + 1] = flag
          consumed = consumed + 1
        end
        if consumed > 0 then
          redis.call('ltrim', KEYS[1], consumed, -1)
          redis.call('ltrim', KEYS[3], consumed, -1)
        end
        if #routed > 0 then
          redis.call('rpush', KEYS[5], unpack(routed))
          local tokens = {}
          for i = 1, #routed do tokens[i] = 1 end
          redis.call('rpush', KEYS[6], unpack(tokens))
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
