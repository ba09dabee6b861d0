import Redis
import LaravelQueue
import PHPFormats
import PHPSerialization

/// Lua run on Horizon's connection.
enum HorizonScripts {
    /// The steps of Horizon's `updateMetrics` (spec §8.4): a throughput counter and a running mean of the
    /// runtime in one hash, whose (prefixed) key name joins the measured set the snapshot command reads.
    /// KEYS[1] = `queue:<name>` or `job:<displayName>`, KEYS[2] = `measured_queues` / `measured_jobs`,
    /// ARGV[1] = runtime in milliseconds.
    static let updateMetrics = RedisScript("""
        redis.call('HSETNX', KEYS[1], 'throughput', 0)
        redis.call('SADD', KEYS[2], KEYS[1])
        local stored = redis.call('HMGET', KEYS[1], 'throughput', 'runtime')
        local count = tonumber(stored[1])
        local runtime = tonumber(ARGV[1])
        if stored[2] then
            runtime = ((count * tonumber(stored[2])) + runtime) / (count + 1)
        end
        redis.call('HMSET', KEYS[1], 'throughput', count + 1, 'runtime', runtime)
        """)
}
