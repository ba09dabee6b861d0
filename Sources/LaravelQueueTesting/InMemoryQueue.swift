#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LaravelQueue
import PHPFormats
import Synchronization

/// Laravel's Redis queue kept in memory, so a worker, `JobProcessor` or a handler can be tested without Redis.
///
/// Per queue it keeps what Redis keeps: the ready list, the `reserved` and `delayed` sorted sets (score =
/// Unix second when due), the notify list (here a count of tokens) and Shuttle's quarantine list. Every
/// operation has the effect of `RedisQueue`'s Lua script or command of the same name on those keys.
///
/// It follows the scripts' effects, not their bytes over the wire: the reserved copy a pop makes is Shuttle's
/// JSON writer output (`Payload.withAttempts`), not cjson's re-encoding, so for payloads cjson rewrites
/// (escaped slashes, `{}`, big numbers) the reserved bytes differ from Redis' — rules and counts do not.
/// Two consequences: members of equal score sort by those bytes (as in Redis), so reservations made in the
/// same second may migrate back in another order than on Redis; and an element Shuttle cannot decode or
/// re-encode is quarantined rather than reported in `PopResult.undecodable`.
public final class InMemoryQueue: QueueDriver {
    public let connectionName: String
    public let defaultQueue: String
    /// Seconds a reservation lasts (`retry_after`).
    public let retryAfter: Int
    /// `block_for`: nil never blocks, 0 blocks forever.
    public let blockFor: Double?
    /// `migration_batch_size` (Laravel 9.23+); negative = unlimited.
    public let migrationBatchSize: Int
    private let clock: @Sendable () -> Int
    private let state = Mutex(State())

    /// The keys of one queue.
    private struct Lists {
        var ready: [[UInt8]] = []
        var reserved = InMemorySortedSet()
        var delayed = InMemorySortedSet()
        /// Tokens on the notify list.
        var notify = 0
        var quarantine: [[UInt8]] = []
    }

    /// A `waitForNotification` call between its start and its answer.
    private enum Wait {
        case starting
        /// Cancelled or timed out before it began to wait: the answer it gives when it gets there.
        case ended(Result<Bool, any Error>)
        case waiting(queue: String, continuation: CheckedContinuation<Bool, any Error>, timer: Task<Void, Never>?)
    }

    private struct State {
        var queues: [String: Lists] = [:]
        /// By id; ids grow, so the lowest waiting id is the longest waiter, served first as BLPOP serves.
        var waits: [Int: Wait] = [:]
        var nextWaitID = 0
        /// Waiters a token reached during the current operation, resumed once the lock is released.
        var woken: [(continuation: CheckedContinuation<Bool, any Error>, timer: Task<Void, Never>?)] = []

        subscript(name: String) -> Lists {
            get { queues[name] ?? Lists() }
            set { queues[name] = newValue }
        }

        /// RPUSH of `count` tokens on a notify list: each goes to the longest waiter on it, else stays.
        mutating func addTokens(_ count: Int, queue: String) {
            for _ in 0..<count {
                let waiter = waits.filter { if case .waiting(queue, _, _) = $0.value { return true } else { return false } }.keys.min()
                if let waiter, case .waiting(_, let continuation, let timer)? = waits.removeValue(forKey: waiter) {
                    woken.append((continuation, timer))
                } else {
                    self[queue].notify += 1
                }
            }
        }
    }

    /// - Parameter clock: Unix seconds; pass a movable one to test delays and reservation expiry without waiting.
    public init(connectionName: String = "redis", defaultQueue: String = "default", retryAfter: Int = 90,
                blockFor: Double? = nil, migrationBatchSize: Int = -1,
                clock: @escaping @Sendable () -> Int = { Int(Date().timeIntervalSince1970) }) {
        self.connectionName = connectionName
        self.defaultQueue = defaultQueue
        self.retryAfter = retryAfter
        self.blockFor = blockFor
        self.migrationBatchSize = migrationBatchSize
        self.clock = clock
    }

    public var now: Int { clock() }

    /// Nothing here waits on a connection: any executor will do.
    public var preferredExecutor: (any TaskExecutor)? { nil }

    /// Runs `body` under the lock, then resumes the waiters it woke (never while holding the lock).
    private func update<T: Sendable>(_ body: (inout State) -> T) -> T {
        let (result, woken) = state.withLock { s in
            defer { s.woken = [] }
            return (body(&s), s.woken)
        }
        for w in woken {
            w.timer?.cancel()
            w.continuation.resume(returning: true)
        }
        return result
    }

    // MARK: Producing

    /// Laravel's `push`: the payload on the ready list's tail and one notify token.
    public func push(_ payload: Payload, queue: String? = nil) async throws {
        try PayloadValidator.validate(payload.json)
        let name = queueName(queue)
        update { s in
            s[name].ready.append(payload.rawBytes)
            s.addTokens(1, queue: name)
        }
    }

    /// Laravel's `later`: ZADD on the delayed set at `availableAt` (no token: migration adds it when due).
    public func later(_ payload: Payload, availableAt: Int, queue: String? = nil) async throws {
        try PayloadValidator.validate(payload.json)
        let name = queueName(queue)
        update { s in s[name].delayed.add(payload.rawBytes, score: availableAt) }
    }

    /// `later` at now + `delay` (a negative delay is due now), as `RedisQueue.later(_:delay:queue:)`.
    public func later(_ payload: Payload, delay: Int, queue: String? = nil) async throws {
        try await later(payload, availableAt: now + max(0, delay), queue: queue)
    }

    /// Laravel's `bulk`: every payload validated first, then all pushed at once.
    public func bulk(_ payloads: [Payload], queue: String? = nil) async throws {
        for p in payloads { try PayloadValidator.validate(p.json) }
        let name = queueName(queue)
        update { s in
            s[name].ready += payloads.map(\.rawBytes)
            s.addTokens(payloads.count, queue: name)
        }
    }

    // MARK: Consuming

    /// Laravel's `migrateExpiredJobs` for both sets: due delayed jobs, then expired reservations (score ≤ now),
    /// each lowest score first and at most `migrationBatchSize` per set, to the ready list's tail with a token each.
    public func migrateJobs(queue: String? = nil) async throws -> [[UInt8]] {
        let name = queueName(queue), now = self.now, limit = migrationBatchSize
        return update { s in
            let delayed = s[name].delayed.removeDue(upTo: now, limit: limit)
            let expired = s[name].reserved.removeDue(upTo: now, limit: limit)
            let moved = delayed + expired
            s[name].ready += moved
            s.addTokens(moved.count, queue: name)
            return moved
        }
    }

    /// The pop script, `count` times: LPOP the head; a JSON object with a numeric `attempts` is reserved until
    /// now + `retryAfter` as a copy with `attempts` + 1, anything else moves to the quarantine list; either way
    /// one notify token goes (when there is one).
    public func pop(queue: String? = nil, count: Int = 1) async throws -> PopResult {
        let name = queueName(queue), expiry = now + retryAfter
        let reservedAt = ContinuousClock.now
        return update { s in
            var result = PopResult()
            for _ in 0..<max(1, count) {
                guard !s[name].ready.isEmpty else { break }
                let element = s[name].ready.removeFirst()
                s[name].notify = max(0, s[name].notify - 1)
                if let copy = Self.reservedCopy(of: element) {
                    s[name].reserved.add(copy.reserved, score: expiry)
                    result.jobs.append(RedisJob(connectionName: connectionName, queue: name, rawBody: element,
                                                reserved: copy.reserved, payload: copy.payload, reservedAt: reservedAt))
                } else {
                    s[name].quarantine.append(element)
                    result.quarantined.append(QuarantinedElement(queue: name, bytes: element))
                }
            }
            return result
        }
    }

    /// Selective reservation, as the `popSelected` script: Shuttle's jobs among the first `window`, each reserved
    /// as one pop; PHP's stay in place; what is not JSON, or Shuttle's but not reservable, goes to quarantine.
    public func popSelected(queue: String?, count: Int, classes: [String], window: Int) async throws -> PopResult {
        let name = queueName(queue), expiry = now + retryAfter
        let reservedAt = ContinuousClock.now
        let wanted = Set(classes)
        return update { s in
            var result = PopResult()
            var index = 0, scanned = 0
            while result.jobs.count < count, scanned < window, index < s[name].ready.count {
                scanned += 1
                let element = s[name].ready[index]
                let payload = try? Payload(bytes: element)
                let ours = payload.map { wanted.contains(Self.jobClass($0)) } ?? false
                guard payload == nil || ours else {
                    index += 1
                    continue
                }
                s[name].ready.remove(at: index)
                s[name].notify = max(0, s[name].notify - 1)
                if let copy = Self.reservedCopy(of: element) {
                    s[name].reserved.add(copy.reserved, score: expiry)
                    result.jobs.append(RedisJob(connectionName: connectionName, queue: name, rawBody: element,
                                                reserved: copy.reserved, payload: copy.payload, reservedAt: reservedAt))
                } else {
                    s[name].quarantine.append(element)
                    result.quarantined.append(QuarantinedElement(queue: name, bytes: element))
                }
            }
            result.passedOver = index
            return result
        }
    }

    /// Router mode, as the `route` script: up to `batch` from the head in order; Shuttle's reserved while
    /// `slots` remain (the first beyond stops the batch), the rest to `target`'s tail untouched with a token
    /// each; what Laravel's pop would lose goes to quarantine.
    public func route(queue: String?, slots: Int, batch: Int, classes: [String], to target: String) async throws -> PopResult {
        let name = queueName(queue), expiry = now + retryAfter
        let reservedAt = ContinuousClock.now
        let wanted = Set(classes)
        return update { s in
            var result = PopResult(routedTo: target)
            var slots = slots
            for _ in 0..<max(1, batch) {
                guard let element = s[name].ready.first else { break }
                let copy = Self.reservedCopy(of: element)
                let ours = (try? Payload(bytes: element)).map { wanted.contains(Self.jobClass($0)) } ?? false
                if ours, let copy {
                    guard slots > 0 else { break }
                    slots -= 1
                    s[name].reserved.add(copy.reserved, score: expiry)
                    result.jobs.append(RedisJob(connectionName: connectionName, queue: name, rawBody: element,
                                                reserved: copy.reserved, payload: copy.payload, reservedAt: reservedAt))
                } else if copy == nil {
                    s[name].quarantine.append(element)
                    result.quarantined.append(QuarantinedElement(queue: name, bytes: element))
                } else {
                    s[target].ready.append(element)
                    s[target].notify += 1
                    result.routed.append(element)
                }
                s[name].ready.removeFirst()
                s[name].notify = max(0, s[name].notify - 1)
            }
            return result
        }
    }

    /// The class the worker dispatches on (`RedisJob.className`), keyed as `JobRegistry` keys it.
    static func jobClass(_ payload: Payload) -> String {
        JobRegistry.normalize(payload.commandName ?? payload.job ?? "")
    }

    /// The decoded element and its reserved copy, when the pop script would reserve it: a JSON object whose
    /// `attempts` Lua's `tonumber` reads (a number, or a numeric string, which Lua's `+ 1` coerces) and whose
    /// copy can be encoded again (cjson refuses the inf of `1e400`, the writer refuses ill-formed UTF-8).
    /// A whole, non-negative count goes through `Payload.withAttempts`; any other number cjson would still
    /// write, so it is written as it comes.
    static func reservedCopy(of element: [UInt8]) -> (payload: Payload, reserved: [UInt8])? {
        guard let payload = try? Payload(bytes: element), let attempts = payload["attempts"].flatMap(luaNumber) else { return nil }
        let next = attempts + 1
        guard let number = JSONNumber(next) else { return nil }
        if let whole = Int(exactly: next), whole >= 0 {
            guard let copy = try? payload.withAttempts(whole) else { return nil }
            return (payload, copy.rawBytes)
        }
        guard case .object(var object) = JSONValue.object(payload.json).phpRoundTripped else { return nil }
        object["attempts"] = .number(number)
        guard let bytes = try? JSONWriter.encode(object, options: .plain) else { return nil }
        return (payload, bytes)
    }

    /// Lua 5.1's `tonumber` of a decoded JSON value, as far as a payload's `attempts` can be: numbers and
    /// numeric strings (surrounding whitespace allowed); nil for anything else or not finite.
    static func luaNumber(_ value: JSONValue) -> Double? {
        let number: Double?
        switch value {
        case .number(let n): number = n.doubleValue
        case .string(let bytes):
            let space: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]  // C's isspace, as strtod and Lua skip
            let text = bytes.drop { space.contains($0) }.reversed().drop { space.contains($0) }.reversed()
            number = Double(String(decoding: text, as: UTF8.self))
        default: number = nil
        }
        return number.flatMap { $0.isFinite ? $0 : nil }
    }

    /// BLPOP on the queue's notify list: takes one token, waiting up to `timeout` seconds for one (0 or less:
    /// for ever). Waits without holding a thread; cancelling the task ends the wait with `CancellationError`.
    public func waitForNotification(queue: String? = nil, timeout: Double) async throws -> Bool {
        let name = queueName(queue)
        let id = state.withLock { s in
            s.nextWaitID += 1
            s.waits[s.nextWaitID] = .starting
            return s.nextWaitID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
                let timer: Task<Void, Never>? = timeout > 0 ? Task { [weak self] in
                    guard (try? await Task.sleep(for: .seconds(timeout))) != nil else { return }
                    self?.endWait(id, with: .success(false))
                } : nil
                let answer: Result<Bool, any Error>? = state.withLock { s in
                    if case .ended(let answer)? = s.waits[id] {
                        s.waits[id] = nil
                        return answer
                    }
                    if s[name].notify > 0 {
                        s[name].notify -= 1
                        s.waits[id] = nil
                        return .success(true)
                    }
                    s.waits[id] = .waiting(queue: name, continuation: continuation, timer: timer)
                    return nil
                }
                if let answer {
                    timer?.cancel()
                    continuation.resume(with: answer)
                }
            }
        } onCancel: {
            self.endWait(id, with: .failure(CancellationError()))
        }
    }

    /// Answers a waiter (timed out, cancelled) unless it has its answer already; one that has not begun to
    /// wait yet finds the answer when it does.
    private func endWait(_ id: Int, with answer: Result<Bool, any Error>) {
        let waiter: (continuation: CheckedContinuation<Bool, any Error>, timer: Task<Void, Never>?)? = state.withLock { s in
            switch s.waits[id] {
            case .waiting(_, let continuation, let timer)?:
                s.waits[id] = nil
                return (continuation, timer)
            case .starting?:
                s.waits[id] = .ended(answer)
                return nil
            case .ended?, nil:
                return nil
            }
        }
        guard let waiter else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(with: answer)
    }

    /// Laravel's `deleteReserved`: removes the exact reserved bytes from the reserved set.
    public func delete(_ job: RedisJob) async throws {
        update { s in _ = s[job.queue].reserved.remove(job.reserved) }
    }

    public func delete(_ jobs: [RedisJob]) async throws {
        for job in jobs { try await delete(job) }
    }

    /// Laravel's `deleteAndRelease`: the reserved bytes, unchanged, to the delayed set at now + delay
    /// (added even when the reservation was gone, as the release script does).
    public func release(_ job: RedisJob, delay: Int) async throws {
        let at = now + max(0, delay)
        update { s in
            s[job.queue].reserved.remove(job.reserved)
            s[job.queue].delayed.add(job.reserved, score: at)
        }
    }

    /// The hand-back script: when the reservation is still there, the original bytes (attempts unspent) go to
    /// the head of the job's own queue (`queue` nil) or the tail of `queue`, with a notify token there.
    @discardableResult
    public func handBack(_ job: RedisJob, to queue: String? = nil) async throws -> Bool {
        let target = queue ?? job.queue
        return update { s in
            guard s[job.queue].reserved.remove(job.reserved) else { return false }
            if queue == nil { s[target].ready.insert(job.rawBody, at: 0) } else { s[target].ready.append(job.rawBody) }
            s.addTokens(1, queue: target)
            return true
        }
    }

    /// The renew script: a new expiry (now + `retryAfter`) only for a reservation still there.
    @discardableResult
    public func renewReservation(_ job: RedisJob) async throws -> Bool {
        let expiry = now + retryAfter
        return update { s in
            guard s[job.queue].reserved.score(of: job.reserved) != nil else { return false }
            s[job.queue].reserved.add(job.reserved, score: expiry)
            return true
        }
    }

    public func quarantined(queue: String? = nil) async throws -> [QuarantinedElement] {
        let name = queueName(queue)
        return state.withLock { s in s[name].quarantine.map { QuarantinedElement(queue: name, bytes: $0) } }
    }

    /// LREM of one copy of the element's bytes.
    public func removeQuarantined(_ element: QuarantinedElement) async throws {
        update { s in
            if let i = s[element.queue].quarantine.firstIndex(of: element.bytes) { s[element.queue].quarantine.remove(at: i) }
        }
    }

    // MARK: Inspecting

    public func sizes(queue: String? = nil) async throws -> QueueSizes {
        let lists = state.withLock { $0[queueName(queue)] }
        return QueueSizes(ready: lists.ready.count, delayed: lists.delayed.count, reserved: lists.reserved.count)
    }

    /// The ready list, head (next to pop) first: exact bytes.
    public func ready(queue: String? = nil) -> [[UInt8]] {
        state.withLock { $0[queueName(queue)].ready }
    }

    /// The reserved set, soonest expiry first: each reserved copy with the Unix second its reservation ends.
    public func reserved(queue: String? = nil) -> [(member: [UInt8], score: Int)] {
        state.withLock { $0[queueName(queue)].reserved.entries }
    }

    /// The delayed set, soonest due first: each payload with the Unix second it becomes due.
    public func delayed(queue: String? = nil) -> [(member: [UInt8], score: Int)] {
        state.withLock { $0[queueName(queue)].delayed.entries }
    }

    /// Tokens on the notify list, not yet taken by a pop or a wait.
    public func notifyTokens(queue: String? = nil) -> Int {
        state.withLock { $0[queueName(queue)].notify }
    }

    // MARK: Seeding what Laravel would not write

    /// RPUSH of bytes on the ready list without validation or notify token: what a foreign producer could
    /// leave there, for testing what a pop makes of elements that are not jobs.
    public func appendUnchecked(_ bytes: [UInt8], queue: String? = nil) {
        let name = queueName(queue)
        state.withLock { $0[name].ready.append(bytes) }
    }

    /// Puts bytes on the quarantine list, as a worker that stopped between its pop and recording the failed
    /// job leaves them.
    public func appendToQuarantine(_ bytes: [UInt8], queue: String? = nil) {
        let name = queueName(queue)
        state.withLock { $0[name].quarantine.append(bytes) }
    }
}
