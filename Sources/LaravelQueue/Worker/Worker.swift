#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import PHPSerialization
import Synchronization
import PHPFormats

/// `php artisan queue:work` in Swift: pops jobs from the queues in priority order, runs the ones
/// registered natively (up to `concurrency` at once), hands the rest back to PHP, and stops as Laravel's
/// worker does (signals, restart, memory, max jobs/time, stop-when-empty).
///
/// Faster than PHP without changing what PHP observes: migration and the restart/pause checks run at most
/// every `maintenanceInterval` instead of before every pop, and free slots are filled by one multi-job pop.
public final class Worker: Sendable {
    public let queue: any QueueDriver
    public let options: WorkerOptions
    /// `--queue`, or the connection's default queue when none is given (as Laravel does).
    let queues: [String]
    let registry: JobRegistry
    let services: WorkerServices
    /// Bound on how stale migration and the restart/pause checks may be.
    public let maintenanceInterval: Duration
    let timeoutGrace: Duration
    private let signal = WorkerSignal()
    private let state = Mutex(State())

    struct State {
        var stopReason: String?
        var paused = false
        var stuck = false
        var inFlight: [Int: InFlightJob] = [:]
        var nextJobID = 0
        var processed = 0
    }

    struct InFlightJob {
        let job: RedisJob
        let watch: JobWatch
        var renewedAt: ContinuousClock.Instant
    }

    public init(queue: any QueueDriver, registry: JobRegistry, options: WorkerOptions, services: WorkerServices = WorkerServices(),
                maintenanceInterval: Duration = .seconds(1), timeoutGrace: Duration = .seconds(10)) {
        self.queue = queue
        self.registry = registry
        self.options = options
        self.queues = options.effectiveQueues(default: queue.defaultQueue)
        self.services = services
        self.maintenanceInterval = maintenanceInterval
        self.timeoutGrace = timeoutGrace
    }

    var logger: Logger { services.logger }

    // MARK: Control (signals)

    /// SIGTERM/SIGINT/SIGQUIT: take no new job, finish the ones in flight, then return.
    public func stop(reason: String = "signal") {
        state.withLock { if $0.stopReason == nil { $0.stopReason = reason } }
        signal.signal()
    }

    /// SIGUSR2: stop taking jobs until `resume()`.
    public func pause() { state.withLock { $0.paused = true } }

    /// SIGCONT.
    public func resume() {
        state.withLock { $0.paused = false }
        signal.signal()
    }

    public var jobsProcessed: Int { state.withLock { $0.processed } }
    var inFlightCount: Int { state.withLock { $0.inFlight.count } }

    // MARK: The loop

    public func run() async -> WorkerExit {
        let started = ContinuousClock.now
        let processor = JobProcessor(
            queue: queue, registry: registry, services: services, tries: options.tries, backoff: options.backoff,
            timeout: options.timeout, deletes: DeleteCoalescer(queue: queue))
        logger.info("worker started", metadata: [
            "queues": "\(queues.joined(separator: ","))", "concurrency": "\(options.concurrency)",
            "handlers": "\(registry.registeredClasses.count)",
        ])

        // Jobs run as tasks of their own (not children of a group) so a job stuck past its timeout cannot
        // keep `run()` from returning: the process must be able to exit, as PHP's does.
        let keeper = Task { await self.keepReservations() }
        let watchdog = Task { await self.watchTimeouts() }
        let exit = await withTaskExecutorPreference(queue.preferredExecutor) {
            await loop(started: started, processor: processor)
        }
        keeper.cancel()
        watchdog.cancel()
        logger.info("worker stopped", metadata: ["exit": "\(exit)", "processed": "\(jobsProcessed)"])
        return exit
    }

    private func loop(started: ContinuousClock.Instant, processor: JobProcessor) async -> WorkerExit {
        let restartMarker = await readRestartMarker()
        var lastMaintenance: ContinuousClock.Instant? = nil
        var pausedQueues: Set<String> = []
        var handBackBackoff: Duration = .zero
        var migratedBeforeThisRound = false
        var quarantineSwept = false
        var lastPop = ContinuousClock.now
        var wasDown = false
        var appDown = false
        while true {
            if let exit = stopCondition(started: started) {
                state.withLock { if $0.stopReason == nil { $0.stopReason = "\(exit)" } }
                return await drain(exit)
            }
            if lastMaintenance == nil || ContinuousClock.now - lastMaintenance! >= maintenanceInterval {
                lastMaintenance = .now
                migratedBeforeThisRound = true
                if await restartRequested(since: restartMarker) {
                    return await drain(.stopped(reason: "restart signal"))
                }
                pausedQueues = await readPausedQueues()
                appDown = !options.force && (services.maintenanceMode?.isDown ?? false)
                if !quarantineSwept { quarantineSwept = await sweepQuarantine(processor: processor) }
                await migrateAll(except: pausedQueues)
            }
            if state.withLock({ $0.paused }) {
                await signal.wait(timeout: sleepDuration)
                continue
            }
            if appDown {
                // Laravel's pauseWorker: sleep (at least a second), then look again.
                if !wasDown { logger.notice("the app is down for maintenance; not taking jobs (use --force to)") }
                wasDown = true
                await signal.wait(timeout: max(sleepDuration, .seconds(1)))
                continue
            }
            if wasDown { logger.notice("the app is up again; taking jobs") }
            wasDown = false
            var free = options.concurrency - inFlightCount
            if options.maxJobs > 0 {
                free = min(free, options.maxJobs - state.withLock { $0.processed + $0.inFlight.count })
            }
            if options.once { free = min(free, 1) }
            if free <= 0 {
                await signal.wait(timeout: maintenanceInterval)
                continue
            }
            // Fill slots in batches: while jobs run, wait a moment (bounded by `refillWindow` since the last
            // pop) for a quarter of the slots to free, so one pop round trip serves many jobs.
            let sinceLastPop = ContinuousClock.now - lastPop
            if free < refillBatch && inFlightCount > 0 && sinceLastPop < refillWindow {
                await signal.wait(timeout: refillWindow - sinceLastPop)
                continue
            }
            lastPop = .now
            var ran = 0, handedBack = 0, popped = false
            let roundFollowsMigration = migratedBeforeThisRound
            migratedBeforeThisRound = false
            for name in queues where !pausedQueues.contains(name) {
                guard free > 0 else { break }
                let result: PopResult
                do {
                    result = try await queue.pop(queue: name, count: free)
                } catch {
                    // Laravel reports the exception and sleeps a second.
                    logger.error("pop failed", metadata: ["queue": "\(name)", "error": "\(error)"])
                    await signal.wait(timeout: .seconds(1))
                    break
                }
                if result.isEmpty { continue }
                popped = true
                if await !reject(result, processor: processor) { quarantineSwept = false }
                for job in result.jobs {
                    free -= 1
                    guard let handler = registry.handler(for: job.className) else {
                        // To the tail, so Shuttle never stalls behind jobs only PHP can run.
                        _ = await processor.handBack(job, to: options.handBackTo ?? job.queue)
                        handedBack += 1
                        continue
                    }
                    ran += 1
                    let (id, watch) = track(job)
                    // Handlers run on the global pool, never on the connection's thread the loop prefers.
                    let task = Task(executorPreference: globalConcurrentExecutor) {
                        _ = await processor.process(job, handler: handler, watch: watch)
                        self.finished(id)
                    }
                    watch.attach(task)
                }
                // A queue that gave fewer jobs than asked is empty: fill the rest from the next one.
            }
            if options.once {
                // `--once`: the next job, or (like Laravel) one `--sleep` when there was none.
                if !popped { await signal.wait(timeout: sleepDuration) }
                return await drain(.stopped(reason: "once"))
            }
            if popped && ran == 0 && handedBack > 0 {
                // Nothing here is Shuttle's to run: for --stop-when-empty that is an empty queue.
                if options.stopWhenEmpty && inFlightCount == 0 { return await drain(.stopped(reason: "queue empty")) }
                handBackBackoff = min(max(handBackBackoff * 2, .seconds(1)), .seconds(30))
                logger.notice("only jobs Shuttle does not run were waiting; handed back to PHP, backing off", metadata: [
                    "handedBack": "\(handedBack)", "backoff": "\(handBackBackoff)", "handBackTo": "\(options.handBackTo ?? "same queue")",
                ])
                await signal.wait(timeout: handBackBackoff)
                continue
            }
            if ran > 0 { handBackBackoff = .zero }
            if !popped {
                if options.stopWhenEmpty && inFlightCount == 0 {
                    // Laravel migrates before every pop: only call the queues empty right after a migration,
                    // or a job released with no delay (or just due) would be left behind.
                    if !roundFollowsMigration { lastMaintenance = nil; continue }
                    return await drain(.stopped(reason: "queue empty"))
                }
                await idle(firstQueue: queues.first { !pausedQueues.contains($0) })
            } else if options.rest > 0 {
                try? await Task.sleep(for: .milliseconds(Int(options.rest * 1000)))
            }
        }
    }

    private var refillBatch: Int { max(1, options.concurrency / 4) }
    /// The longest a free slot waits for others before it is filled on its own.
    private var refillWindow: Duration { .milliseconds(5) }

    private var sleepDuration: Duration { .milliseconds(Int(max(options.sleep, 0) * 1000)) }

    /// No job: BLPOP on the first queue's notify list when `block_for` is set, else sleep `--sleep`.
    /// The BLPOP waits the whole `block_for`, as PHP's does (and is seen to in MONITOR), then the sleep
    /// follows; only `block_for = 0` (forever) is cut into 1 s waits so a stop is still noticed.
    private func idle(firstQueue: String?) async {
        if let blockFor = queue.blockFor, let firstQueue, state.withLock({ $0.inFlight.isEmpty }) {
            let slice = blockFor == 0 ? 1.0 : blockFor
            do {
                if try await queue.waitForNotification(queue: firstQueue, timeout: slice) { return }
            } catch {
                logger.error("BLPOP failed", metadata: ["error": "\(error)"])
            }
            if blockFor == 0 { return }
        }
        await signal.wait(timeout: sleepDuration)
    }

    private func stopCondition(started: ContinuousClock.Instant) -> WorkerExit? {
        let (reason, stuck, processed) = state.withLock { ($0.stopReason, $0.stuck, $0.processed) }
        if stuck { return .stuckJob }
        if let reason { return .stopped(reason: reason) }
        if options.memory > 0, MemoryUsage.residentMegabytes() >= Double(options.memory) { return .memoryExceeded }
        if options.maxTime > 0, ContinuousClock.now - started >= .seconds(options.maxTime) { return .stopped(reason: "max time") }
        if options.maxJobs > 0, processed >= options.maxJobs { return .stopped(reason: "max jobs") }
        return nil
    }

    /// Lets the jobs in flight finish, unless one is stuck.
    private func drain(_ exit: WorkerExit) async -> WorkerExit {
        while inFlightCount > 0 {
            if state.withLock({ $0.stuck }) { return .stuckJob }
            await signal.wait(timeout: .milliseconds(200))
        }
        return state.withLock({ $0.stuck }) ? .stuckJob : exit
    }

    private func markStuck() {
        guard state.withLock({ s -> Bool in defer { s.stuck = true }; return !s.stuck }) else { return }
        logger.critical("a timed-out job ignored cancellation; the worker exits so its supervisor restarts it")
        signal.signal()
    }

    // MARK: In-flight bookkeeping and reservation renewal

    private func track(_ job: RedisJob) -> (Int, JobWatch) {
        let watch = JobWatch()
        let id = state.withLock { s in
            s.nextJobID += 1
            s.inFlight[s.nextJobID] = InFlightJob(job: job, watch: watch, renewedAt: job.reservedAt)
            return s.nextJobID
        }
        return (id, watch)
    }

    /// Laravel's job timeout (spec §6.5) for every job in flight, checked by one loop: past its deadline a
    /// job is cancelled and the timeout rules apply at once; still running after the grace period, it is
    /// stuck and the worker stops so its supervisor can start a fresh process.
    private func watchTimeouts() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            let now = ContinuousClock.now
            let watches = state.withLock { $0.inFlight.values.map(\.watch) }
            for watch in watches {
                switch watch.check(now: now, grace: timeoutGrace) {
                case .running:
                    continue
                case .timedOut(let task):
                    task?.cancel()
                case .stuck:
                    markStuck()
                }
            }
        }
    }

    private func finished(_ id: Int) {
        state.withLock { s in
            s.inFlight[id] = nil
            s.processed += 1
        }
        signal.signal()
    }

    /// A Swift job that outlives a third of `retry_after` gets its reservation pushed forward, so no PHP worker's
    /// migration starts it a second time (Laravel itself has no such heartbeat, spec §3.10).
    ///
    /// Scores are whole seconds, so a reservation may last only `retry_after - 1` s: renewing at a third,
    /// checked every twelfth, stays inside that even for a `retry_after` of 2 s.
    private func keepReservations() async {
        let due = Duration.seconds(max(queue.retryAfter, 2)) / 3
        let tick = min(due / 4, .seconds(5))
        while true {
            try? await Task.sleep(for: tick)
            if Task.isCancelled { return }
            let (stopping, renewals) = state.withLock { s -> (Bool, [(Int, RedisJob)]) in
                let now = ContinuousClock.now
                // A timed-out job is no longer ours to keep: it must come back after retry_after.
                let renewals = s.inFlight.filter { now - $0.value.renewedAt >= due && !$0.value.watch.timedOut }.map { ($0.key, $0.value.job) }
                return (s.stopReason != nil && s.inFlight.isEmpty, renewals)
            }
            if stopping || Task.isCancelled { return }
            for (id, job) in renewals {
                do {
                    let renewed = try await queue.renewReservation(job)
                    state.withLock { s in s.inFlight[id]?.renewedAt = .now }
                    if !renewed {
                        logger.warning("reservation was gone when renewing; another worker may run this job", metadata: ["uuid": "\(job.uuid ?? "")"])
                    }
                } catch {
                    logger.error("could not renew a reservation", metadata: ["uuid": "\(job.uuid ?? "")", "error": "\(error)"])
                }
            }
        }
    }

    // MARK: Maintenance

    /// Returns how many jobs were moved to the ready lists.
    @discardableResult
    private func migrateAll(except paused: Set<String>) async -> Int {
        var moved = 0
        for name in queues where !paused.contains(name) {
            do {
                let payloads = try await queue.migrateJobs(queue: name)
                moved += payloads.count
                if !payloads.isEmpty { for m in services.middleware { await m.jobEvent(.migrated(queue: name, payloads: payloads)) } }
            } catch {
                logger.error("migration failed", metadata: ["queue": "\(name)", "error": "\(error)"])
            }
        }
        return moved
    }

    /// Elements that were not jobs, or jobs Shuttle cannot decode: each becomes a failed job, never a drop.
    /// Returns false when some could not be recorded (they stay in quarantine or reserved).
    private func reject(_ result: PopResult, processor: JobProcessor) async -> Bool {
        var allRecorded = true
        for element in result.quarantined {
            allRecorded = await recordQuarantined(element, processor: processor) && allRecorded
        }
        for bad in result.undecodable {
            let job = RedisJob(connectionName: queue.connectionName, queue: bad.queue, rawBody: bad.rawBody,
                               reserved: bad.reserved, payload: .placeholder)
            await processor.fail(job, context: JobContext(job: job, command: nil, logger: logger), handler: nil,
                                 error: JobException("Shuttle\\InvalidPayloadException", bad.reason, file: "shuttle", line: 0))
        }
        return allRecorded
    }

    private func recordQuarantined(_ element: QuarantinedElement, processor: JobProcessor) async -> Bool {
        let text = JobException("Shuttle\\InvalidPayloadException", element.reason, file: "shuttle", line: 0).phpText
        guard await processor.recordFailure(connection: queue.connectionName, queue: element.queue, payload: element.bytes, exception: text) else {
            return false
        }
        do { try await queue.removeQuarantined(element) } catch {
            logger.error("could not clear a quarantined element", metadata: ["error": "\(error)"])
        }
        await processor.emit(.rejected(queue: element.queue, bytes: element.bytes, reason: element.reason))
        return true
    }

    /// Records what an earlier run left in quarantine (it stopped, or the failed-job store was down,
    /// between the pop and the record). Returns false while some remain.
    private func sweepQuarantine(processor: JobProcessor) async -> Bool {
        var done = true
        for name in queues {
            do {
                for element in try await queue.quarantined(queue: name) {
                    done = await recordQuarantined(element, processor: processor) && done
                }
            } catch {
                logger.error("could not read the quarantine list", metadata: ["queue": "\(name)", "error": "\(error)"])
                done = false
            }
        }
        return done
    }

    static let restartKey = "illuminate:queue:restart"

    private func readRestartMarker() async -> PHPValue? {
        guard let cache = services.cache else { return nil }
        return try? await cache.get(Self.restartKey)
    }

    /// `queue:restart` stores a timestamp; any change since start means restart (Laravel compares loosely).
    private func restartRequested(since marker: PHPValue?) async -> Bool {
        guard let cache = services.cache else { return false }
        do {
            let current = try await cache.get(Self.restartKey)
            return Self.looselyDiffers(current, marker)
        } catch {
            logger.error("restart check failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    static func looselyDiffers(_ a: PHPValue?, _ b: PHPValue?) -> Bool {
        func normalized(_ v: PHPValue?) -> String {
            switch v {
            case nil, .null?: return ""
            case .int(let i)?: return String(i)
            case .double(let d)?: return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
            case .string(let s)?: return String(decoding: s, as: UTF8.self)
            case .bool(let b)?: return b ? "1" : ""
            default: return "\(v!)"
            }
        }
        return normalized(a) != normalized(b)
    }

    /// Laravel 12.40+'s `queue:pause`: `illuminate:queue:paused:<connection>:<queue>` (and 13.25+'s global key).
    private func readPausedQueues() async -> Set<String> {
        guard let cache = services.cache, (services.laravelVersion >= LaravelVersion(12, 40)) else { return [] }
        var paused: Set<String> = []
        if (services.laravelVersion >= LaravelVersion(13, 25)), let all = try? await cache.get("illuminate:queues:paused"), Self.isTruthy(all) {
            return Set(queues)
        }
        for name in queues {
            if let v = try? await cache.get("illuminate:queue:paused:\(queue.connectionName):\(name)"), Self.isTruthy(v) {
                paused.insert(name)
            }
        }
        return paused
    }

    static func isTruthy(_ v: PHPValue) -> Bool {
        switch v {
        case .null, .bool(false), .int(0): return false
        case .string(let s): return !(s.isEmpty || s == [48])
        default: return true
        }
    }
}
