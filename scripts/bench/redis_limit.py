#!/usr/bin/env python3
"""Redis's own limit for the bench's jobs, and the byte checks of the mixed and router rounds.

    redis_limit.py PORT limit READY K        reserve the whole queue K jobs per script call; prints wall_ns, jobs
    redis_limit.py PORT same KEY_A KEY_B     "yes" when both lists hold the same elements, byte for byte, in order
    redis_limit.py PORT interleave A B DST   DST = a1 b1 a2 b2 … (the elements' bytes untouched), one notify token each

A bare socket speaking RESP, not redis-py: the driver's own cost is one small write and one read per K jobs,
negligible beside the script's, so the rate measured is Redis's. One call in flight at a time, as a worker's pop.
"""
import socket
import sys
import time

# Laravel's pop for K jobs (the same per-job commands as QueueScripts.pop: LPOP, cjson decode, attempts + 1,
# cjson encode, ZADD reserved, LPOP notify), then one ZREM of the K reserved copies, as the worker's delete does.
LIMIT_SCRIPT = """
local reserved = {}
for i = 1, tonumber(ARGV[2]) do
  local job = redis.call('lpop', KEYS[1])
  if not job then break end
  local decoded = cjson.decode(job)
  decoded['attempts'] = decoded['attempts'] + 1
  local copy = cjson.encode(decoded)
  redis.call('zadd', KEYS[2], ARGV[1], copy)
  redis.call('lpop', KEYS[3])
  reserved[#reserved + 1] = copy
end
if #reserved > 0 then redis.call('zrem', KEYS[2], unpack(reserved)) end
return #reserved
"""

SAME_SCRIPT = """
local n = redis.call('llen', KEYS[1])
if n ~= redis.call('llen', KEYS[2]) then return 0 end
for i = 0, n - 1, 1000 do
  local a = redis.call('lrange', KEYS[1], i, i + 999)
  local b = redis.call('lrange', KEYS[2], i, i + 999)
  for j = 1, #a do if a[j] ~= b[j] then return 0 end end
end
return 1
"""

INTERLEAVE_SCRIPT = """
redis.call('del', KEYS[3], KEYS[4])
local a = redis.call('lrange', KEYS[1], 0, -1)
local b = redis.call('lrange', KEYS[2], 0, -1)
for i = 1, math.max(#a, #b) do
  if a[i] then redis.call('rpush', KEYS[3], a[i]); redis.call('rpush', KEYS[4], 1) end
  if b[i] then redis.call('rpush', KEYS[3], b[i]); redis.call('rpush', KEYS[4], 1) end
end
return redis.call('llen', KEYS[3])
"""


class Redis:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def read(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind in (b"+", b":"):
            return int(rest) if kind == b":" else rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.file.read(n + 2)[:-2]
        if kind == b"*":
            return [self.read() for _ in range(int(rest))]
        raise RuntimeError(f"unexpected reply {line!r}")

    def call(self, *args):
        self.sock.sendall(self.encode(*args))
        return self.read()


def main():
    r, what = Redis(int(sys.argv[1])), sys.argv[2]
    if what == "limit":
        ready, k = sys.argv[3], int(sys.argv[4])
        sha = r.call("SCRIPT", "LOAD", LIMIT_SCRIPT)
        # The reservation expiry a worker would write: now + retry_after (90 s).
        command = Redis.encode("EVALSHA", sha, 3, ready, ready + ":reserved", ready + ":notify", int(time.time()) + 90, k)
        jobs = 0
        start = time.monotonic_ns()
        while True:
            r.sock.sendall(command)
            n = r.read()
            jobs += n
            if n < k:
                break
        print(f"wall_ns={time.monotonic_ns() - start}\njobs={jobs}")
    elif what == "same":
        print("yes" if r.call("EVAL", SAME_SCRIPT, 2, sys.argv[3], sys.argv[4]) == 1 else "no")
    elif what == "interleave":
        a, b, dst = sys.argv[3:6]
        print(r.call("EVAL", INTERLEAVE_SCRIPT, 4, a, b, dst, dst + ":notify"))
    else:
        sys.exit(f"unknown: {what}")


if __name__ == "__main__":
    main()
