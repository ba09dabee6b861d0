import CoreMetrics
import Database
import LaravelQueue
import PHPFormats
import Redis
import ShuttleMetrics
import Synchronization

/// Samples what `/health`, `/ready` and the queue gauges report, every `interval`, from its own Redis
/// connection (so a busy or blocked worker connection never delays it): PING round trip, and per queue
/// LLEN/ZCARD and the head job's age; the database with `SELECT 1`. Each probe counts as down once its last
/// attempt failed or no attempt succeeded within `staleAfter` (a hung connect is down too).
public final class HealthMonitor: Sendable {
    /// What the worker's own state says; set once the worker exists.
    public struct WorkerState: Sendable {
        public var paused: Bool
        public var draining: Bool
        public init(paused: Bool, draining: Bool) {
            self.paused = paused
            self.draining = draining
        }
    }

    struct Probe {
        var okAt: ContinuousClock.Instant?
        var failedAt: ContinuousClock.Instant?
        var error: String?
        var roundTrip: Double?

        func up(now: ContinuousClock.Instant, staleAfter: Duration) -> Bool {
            guard let okAt else { return false }
            if let failedAt, failedAt > okAt { return false }
            return now - okAt <= staleAfter
        }
    }

    struct QueueSample {
        var sizes = QueueSizes(ready: 0, delayed: 0, reserved: 0)
        var oldestWait: Double = 0
    }

    struct State {
        var redis = Probe()
        var database = Probe()
        var queues: [String: QueueSample] = [:]
        var worker: (@Sendable () -> WorkerState)?
    }

    public let interval: Duration
    public let staleAfter: Duration
    public let queues: [String]
    let sampler: RedisQueue
    let redis: RedisConnection
    let database: (any SQLConnection)?
    public let activity: WorkerActivity
    let redactor: SecretRedactor
    private let state = Mutex(State())
    private let gauges: Gauges

    /// - Parameter redis: a connection of its own, with one connect attempt per command (the app's key prefix).
    public init(redis: RedisConnection, queues: [String], database: (any SQLConnection)?, activity: WorkerActivity,
                redactor: SecretRedactor, interval: Duration = .seconds(2), staleAfter: Duration? = nil) {
        self.sampler = RedisQueue(redis: redis)
        self.redis = redis
        self.queues = queues
        self.database = database
        self.activity = activity
        self.redactor = redactor
        self.interval = interval
        self.staleAfter = staleAfter ?? interval * 3
        self.gauges = Gauges(queues: queues)
    }

    /// Tells the monitor how to read the worker's pause/drain state.
    public func attach(_ worker: @escaping @Sendable () -> WorkerState) {
        state.withLock { $0.worker = worker }
    }

    /// Samples until cancelled; Redis and the database in tasks of their own so one hanging does not stall the other.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.loop { await self.sampleRedis() } }
            if database != nil { group.addTask { await self.loop { await self.sampleDatabase() } } }
        }
    }

    private func loop(_ sample: @Sendable () async -> Void) async {
        while !Task.isCancelled {
            await sample()
            try? await Task.sleep(for: interval)
        }
    }

    func sampleRedis() async {
        activity.observe()
        let started = ContinuousClock.now
        do {
            _ = try await redis.send(.ping())
            let roundTrip = ContinuousClock.now - started
            gauges.redisRoundTrip.recordNanoseconds(Self.nanoseconds(roundTrip))
            var samples: [String: QueueSample] = [:]
            for name in queues {
                var sample = QueueSample()
                sample.sizes = try await sampler.sizes(queue: name)
                if sample.sizes.ready > 0, let head = try await sampler.peek(queue: name),
                   let since = Self.queuedAt(head) {
                    sample.oldestWait = max(0, WorkerActivity.unixTime() - since)
                }
                samples[name] = sample
                gauges.record(name, sample)
            }
            let seconds = Self.seconds(roundTrip)
            state.withLock { s in
                s.redis.okAt = .now
                s.redis.error = nil
                s.redis.roundTrip = seconds
                s.queues = samples
            }
        } catch {
            let text = redactor.redact("\(error)")
            state.withLock { s in
                s.redis.failedAt = .now
                s.redis.error = text
            }
        }
    }

    func sampleDatabase() async {
        guard let database else { return }
        let started = ContinuousClock.now
        do {
            _ = try await database.query("SELECT 1")
            let roundTrip = ContinuousClock.now - started
            gauges.databaseRoundTrip.recordNanoseconds(Self.nanoseconds(roundTrip))
            state.withLock { s in
                s.database.okAt = .now
                s.database.error = nil
                s.database.roundTrip = Self.seconds(roundTrip)
            }
        } catch {
            let text = redactor.redact("\(error)")
            state.withLock { s in
                s.database.failedAt = .now
                s.database.error = text
            }
        }
    }

    /// When the job was queued: Laravel's `createdAt` (12.11+), else Horizon's `pushedAt`.
    static func queuedAt(_ bytes: [UInt8]) -> Double? {
        guard let payload = try? Payload(bytes: bytes) else { return nil }
        if let created = payload.createdAt { return Double(created) }
        return payload.pushedAt.flatMap(Double.init)
    }

    // MARK: Reports

    public struct Report: Sendable {
        public var redisUp: Bool
        public var databaseUp: Bool?
        public var paused: Bool
        public var draining: Bool
        /// Alive and able to work: Redis and the database answer, not shutting down.
        public var healthy: Bool { redisUp && databaseUp != false && !draining }
        /// Healthy and taking jobs (not paused by SIGUSR2).
        public var ready: Bool { healthy && !paused }
        public var json: [UInt8]
    }

    public func report() -> Report {
        let now = ContinuousClock.now
        let (s, worker) = state.withLock { ($0, $0.worker) }
        let workerState = worker?() ?? WorkerState(paused: false, draining: false)
        activity.observe()
        let redisUp = s.redis.up(now: now, staleAfter: staleAfter)
        let databaseUp = database == nil ? nil : s.database.up(now: now, staleAfter: staleAfter)
        gauges.redisUp.record(redisUp ? 1 : 0)
        gauges.databaseUp.record(databaseUp == false ? 0 : 1)
        gauges.paused.record(workerState.paused ? 1 : 0)
        gauges.draining.record(workerState.draining ? 1 : 0)
        gauges.inFlight.record(activity.jobsInFlight)
        gauges.freeSlots.record(activity.freeSlots)
        let lastPop = activity.lastPopAt
        if let lastPop { gauges.lastPop.record(lastPop) }

        var report = Report(redisUp: redisUp, databaseUp: databaseUp, paused: workerState.paused, draining: workerState.draining, json: [])
        func probe(_ p: Probe, up: Bool) -> JSONValue {
            .object(JSONObject([
                "up": .bool(up),
                "roundtrip_ms": p.roundTrip.map { Self.number($0 * 1000) } ?? .null,
                "error": up ? .null : .string(p.error ?? "no answer within \(staleAfter)"),
            ]))
        }
        var queueMembers: [JSONObject.Member] = []
        for name in queues {
            let q = s.queues[name] ?? QueueSample()
            queueMembers.append(.init(key: name, value: .object(JSONObject([
                "ready": .int(q.sizes.ready), "delayed": .int(q.sizes.delayed), "reserved": .int(q.sizes.reserved),
                "oldest_wait_seconds": Self.number(q.oldestWait),
            ]))))
        }
        let object = JSONObject([
            "status": .string(report.ready ? "ok" : report.healthy ? "paused" : "unhealthy"),
            "redis": probe(s.redis, up: redisUp),
            "database": database == nil ? .null : probe(s.database, up: databaseUp ?? false),
            "seconds_since_last_pop": lastPop.map { Self.number(max(0, WorkerActivity.unixTime() - $0)) } ?? .null,
            "paused": .bool(workerState.paused),
            "draining": .bool(workerState.draining),
            "jobs_in_flight": .int(activity.jobsInFlight),
            "free_slots": .int(activity.freeSlots),
            "queues": .object(JSONObject(queueMembers)),
        ])
        report.json = ((try? JSONWriter.encode(object, options: [.unescapedSlashes, .unescapedUnicode])) ?? Array("{}".utf8)) + [10]
        return report
    }

    private static func number(_ value: Double) -> JSONValue {
        (JSONNumber((value * 1000).rounded() / 1000)).map { .number($0) } ?? .null
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// The gauges the monitor keeps, made once.
struct Gauges: Sendable {
    let queueJobs: [String: (ready: Gauge, delayed: Gauge, reserved: Gauge)]
    let oldestWait: [String: Gauge]
    let redisUp = Gauge(label: "shuttle_redis_up")
    let databaseUp = Gauge(label: "shuttle_database_up")
    let paused = Gauge(label: "shuttle_worker_paused")
    let draining = Gauge(label: "shuttle_worker_draining")
    let inFlight = Gauge(label: "shuttle_jobs_in_flight")
    let freeSlots = Gauge(label: "shuttle_worker_free_slots")
    let lastPop = Gauge(label: "shuttle_last_pop_timestamp_seconds")
    let redisRoundTrip = Timer(label: "shuttle_redis_roundtrip_seconds")
    let databaseRoundTrip = Timer(label: "shuttle_database_roundtrip_seconds")

    init(queues: [String]) {
        var jobs: [String: (ready: Gauge, delayed: Gauge, reserved: Gauge)] = [:]
        var wait: [String: Gauge] = [:]
        for q in queues {
            func g(_ state: String) -> Gauge { Gauge(label: "shuttle_queue_jobs", dimensions: [("queue", q), ("state", state)]) }
            jobs[q] = (g("ready"), g("delayed"), g("reserved"))
            wait[q] = Gauge(label: "shuttle_queue_oldest_wait_seconds", dimensions: [("queue", q)])
        }
        queueJobs = jobs
        oldestWait = wait
    }

    func record(_ queue: String, _ sample: HealthMonitor.QueueSample) {
        guard let jobs = queueJobs[queue] else { return }
        jobs.ready.record(sample.sizes.ready)
        jobs.delayed.record(sample.sizes.delayed)
        jobs.reserved.record(sample.sizes.reserved)
        oldestWait[queue]?.record(sample.oldestWait)
    }
}
