import Logging
import PHPFormats
import Synchronization

/// `php artisan queue:work` in Swift: pops jobs from the queues in priority order, runs the ones
/// registered natively (up to `concurrency` at once), hands the rest back to PHP, and stops as Laravel's
/// worker does (signals, restart, memory, max jobs/time, stop-when-empty).
///
/// The loop's decisions are `WorkerStateMachine`'s; this type carries them out with small collaborators:
/// `ControlSignals` (restart, paused queues, maintenance mode), `JobsInFlight` (slots, timeouts, reservation
/// renewal) and `Quarantine` (what a pop gave that is not a runnable job).
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
    private let jobs: JobsInFlight
    /// Set by `stop` (signals) or when the loop decides to exit; `paused` by SIGUSR2 until SIGCONT.
    private let control = Mutex<(stopReason: String?, paused: Bool)>((nil, false))

    public init(queue: any QueueDriver, registry: JobRegistry, options: WorkerOptions, services: WorkerServices = WorkerServices(),
                maintenanceInterval: Duration = .seconds(1), timeoutGrace: Duration = .seconds(10)) {
        self.queue = queue
        self.registry = registry
        self.options = options
        self.queues = options.effectiveQueues(default: queue.defaultQueue)
        self.services = services
        self.maintenanceInterval = maintenanceInterval
        self.timeoutGrace = timeoutGrace
        self.jobs = JobsInFlight(queue: queue, timeoutGrace: timeoutGrace, logger: services.logger, signal: signal)
    }

    var logger: Logger { services.logger }

    // MARK: Control (signals)

    /// SIGTERM/SIGINT/SIGQUIT: take no new job, finish the ones in flight, then return.
    public func stop(reason: String = "signal") {
        control.withLock { if $0.stopReason == nil { $0.stopReason = reason } }
        signal.signal()
    }

    /// SIGUSR2: stop taking jobs until `resume()`.
    public func pause() { control.withLock { $0.paused = true } }

    /// SIGCONT.
    public func resume() {
        control.withLock { $0.paused = false }
        signal.signal()
    }

    public var jobsProcessed: Int { jobs.processed }
    /// Paused by SIGUSR2 (health reports it; the worker takes no job).
    public var isPaused: Bool { control.withLock { $0.paused } }
    /// Stopping: no new job, the ones in flight finishing.
    public var isDraining: Bool { control.withLock { $0.stopReason != nil } }
    /// Jobs running now (of `options.concurrency` slots).
    public var jobsInFlight: Int { jobs.count }

    // MARK: The loop

    public func run() async -> WorkerExit {
        let processor = JobProcessor(
            queue: queue, registry: registry, services: services, tries: options.tries, backoff: options.backoff,
            timeout: options.timeout, deletes: DeleteCoalescer(queue: queue))
        logger.info("worker started", metadata: [
            "queues": "\(queues.joined(separator: ","))", "concurrency": "\(options.concurrency)",
            "handlers": "\(registry.registeredClasses.count)",
        ])
        let keeper = Task {
            await jobs.keepReservations(stopping: { self.control.withLock { $0.stopReason != nil } }) { job, stillReserved in
                for m in self.services.middleware { await m.jobEvent(.renewed(job, stillReserved: stillReserved)) }
            }
        }
        let watchdog = Task { await jobs.watchTimeouts() }
        let exit = await withTaskExecutorPreference(queue.preferredExecutor) {
            await loop(processor: processor)
        }
        keeper.cancel()
        watchdog.cancel()
        logger.info("worker stopped", metadata: ["exit": "\(exit)", "processed": "\(jobsProcessed)"])
        return exit
    }

    /// Router mode: how many elements one route call may take off a queue (one round trip for all).
    static let routeBatch = 256

    private func loop(processor: JobProcessor) async -> WorkerExit {
        let classes = registry.normalizedClasses
        let signals = ControlSignals(services: services, connectionName: queue.connectionName, queues: queues, force: options.force)
        let quarantine = Quarantine(queue: queue, processor: processor, logger: logger)
        await signals.start()
        var machine = WorkerStateMachine(
            configuration: .init(options: options, queues: queues, maintenanceInterval: maintenanceInterval), now: .now)
        var action = machine.tick(snapshot())
        while true {
            switch action {
            case .maintain:
                guard await !signals.restartRequested() else {
                    action = machine.maintained(restartRequested: true, pausedQueues: [], appDown: false)
                    continue
                }
                let paused = await signals.pausedQueues()
                let down = signals.appDown()
                await quarantine.sweepIfNeeded(queues: queues)
                await migrate(queues.filter { !paused.contains($0) })
                action = machine.maintained(restartRequested: false, pausedQueues: paused, appDown: down)
            case .pop(let name, let count):
                let result: PopResult
                let batch = max(Self.routeBatch, count)
                do {
                    if let target = options.handBackTo, target != name {
                        result = try await queue.route(queue: name, slots: count, batch: batch, classes: classes, to: target)
                    } else {
                        result = try await queue.popSelected(queue: name, count: count, classes: classes, window: options.scanWindow)
                    }
                } catch {
                    // Laravel reports the exception and sleeps a second.
                    logger.error("pop failed", metadata: ["queue": "\(name)", "error": "\(error)"])
                    action = machine.popFailed()
                    continue
                }
                if !result.isEmpty { await quarantine.reject(result) }
                let (ran, handedBack) = await start(result.jobs, processor: processor)
                if let target = result.routedTo, !result.routed.isEmpty {
                    await processor.emit(.routed(queue: name, toQueue: target, payloads: result.routed))
                }
                let asked = result.routedTo == nil ? count : batch
                action = machine.popped(.init(
                    taken: result.jobs.count, ran: ran, handedBack: handedBack, routed: result.routed.count,
                    nonEmpty: !result.isEmpty, exhausted: result.consumed < asked, passedOver: result.passedOver
                ), inFlight: jobs.count)
            case .wait(let duration, let reason):
                if case .handBackBackoff(let handedBack) = reason {
                    logger.notice("only jobs Shuttle does not run were waiting; handed back to PHP, backing off", metadata: [
                        "handedBack": "\(handedBack)", "backoff": "\(duration)", "handBackTo": "\(options.handBackTo ?? "same queue")",
                    ])
                }
                await signal.wait(timeout: duration)
                action = machine.tick(snapshot())
            case .idle(let firstQueue, let block, let sleep):
                await idle(firstQueue: block ? firstQueue : nil, sleep: sleep)
                action = machine.tick(snapshot())
            case .rest(let duration):
                try? await Task.sleep(for: duration)
                action = machine.tick(snapshot())
            case .nextTurn:
                action = machine.tick(snapshot())
            case .drain(let exit):
                control.withLock { if $0.stopReason == nil { $0.stopReason = "\(exit)" } }
                return await jobs.drain() ? exit : .stuckJob
            }
        }
    }

    private func snapshot() -> WorkerStateMachine.Snapshot {
        let (stopReason, paused) = control.withLock { ($0.stopReason, $0.paused) }
        return WorkerStateMachine.Snapshot(
            now: .now, inFlight: jobs.count, processed: jobs.processed, stuck: jobs.stuck, stopRequested: stopReason,
            pausedBySignal: paused, residentMegabytes: options.memory > 0 ? MemoryUsage.residentMegabytes() : nil)
    }

    /// Starts the jobs Shuttle has handlers for; the rest go back to PHP (to the tail of their queue, or
    /// `--hand-back-to`), so Shuttle never stalls behind jobs only PHP can run.
    private func start(_ popped: [RedisJob], processor: JobProcessor) async -> (ran: Int, handedBack: Int) {
        var ran = 0, handedBack = 0
        for job in popped {
            if let handler = registry.handler(forClassBytes: job.classNameBytes) {
                jobs.start(job, handler: handler, processor: processor)
                ran += 1
            } else {
                _ = await processor.handBack(job, to: options.handBackTo ?? job.queue)
                handedBack += 1
            }
        }
        return (ran, handedBack)
    }

    /// No job: BLPOP on the first queue's notify list when `block_for` is set, then sleep (the state machine
    /// says which queue, if any, and how long). The BLPOP waits the whole `block_for`, as PHP's does (and is
    /// seen to in MONITOR), then the sleep follows; only `block_for = 0` (forever) is cut into 1 s waits so a
    /// stop is still noticed.
    private func idle(firstQueue: String?, sleep: Duration) async {
        if let blockFor = queue.blockFor, let firstQueue {
            let slice = blockFor == 0 ? 1.0 : blockFor
            do {
                if try await queue.waitForNotification(queue: firstQueue, timeout: slice) { return }
            } catch {
                logger.error("BLPOP failed", metadata: ["error": "\(error)"])
            }
            if blockFor == 0 { return }
        }
        await signal.wait(timeout: sleep)
    }

    /// Laravel's `migrateExpiredJobs` for each queue; listeners hear of the payloads moved.
    private func migrate(_ names: [String]) async {
        for name in names {
            do {
                let payloads = try await queue.migrateJobs(queue: name)
                if !payloads.isEmpty { for m in services.middleware { await m.jobEvent(.migrated(queue: name, payloads: payloads)) } }
            } catch {
                logger.error("migration failed", metadata: ["queue": "\(name)", "error": "\(error)"])
            }
        }
    }
}
