import Logging
import Synchronization

/// The jobs a worker is running: its slots, the timeout watchdog over them, and the renewal of their
/// reservations. Jobs run as tasks of their own on the global pool (not children of a group, and never on
/// the queue connection's thread the loop prefers), so a job stuck past its timeout cannot keep the worker
/// from returning: the process must be able to exit, as PHP's does.
final class JobsInFlight: Sendable {
    private struct Job {
        let job: RedisJob
        let watch: JobWatch
        var renewedAt: ContinuousClock.Instant
    }

    private struct State {
        var jobs: [Int: Job] = [:]
        var nextID = 0
        var processed = 0
        var stuck = false
    }

    private let queue: any QueueDriver
    private let timeoutGrace: Duration
    private let logger: Logger
    /// Woken when a job finishes (a slot is free) or one is stuck.
    private let signal: WorkerSignal
    private let state = Mutex(State())

    init(queue: any QueueDriver, timeoutGrace: Duration, logger: Logger, signal: WorkerSignal) {
        self.queue = queue
        self.timeoutGrace = timeoutGrace
        self.logger = logger
        self.signal = signal
    }

    var count: Int { state.withLock { $0.jobs.count } }
    var processed: Int { state.withLock { $0.processed } }
    /// A timed-out job ignored cancellation past the grace period: the worker must exit.
    var stuck: Bool { state.withLock { $0.stuck } }

    /// Runs `job` in a slot of its own; the watchdog arms its timeout.
    func start(_ job: RedisJob, handler: any JobHandler, processor: JobProcessor) {
        let watch = JobWatch()
        let id = state.withLock { s in
            s.nextID += 1
            s.jobs[s.nextID] = Job(job: job, watch: watch, renewedAt: job.reservedAt)
            return s.nextID
        }
        // Detached, not `Task(executorPreference: globalConcurrentExecutor)`: a task with a preference record
        // takes the task's status lock at every executor hop (dozens per job); one without runs on the global
        // pool all the same (unstructured tasks do not inherit the loop's connection-thread preference).
        let task = Task.detached {
            _ = await processor.process(job, handler: handler, watch: watch)
            self.finished(id)
        }
        watch.attach(task)
    }

    private func finished(_ id: Int) {
        state.withLock { s in
            s.jobs[id] = nil
            s.processed += 1
        }
        signal.signal()
    }

    /// Waits until no job runs; returns false as soon as one is stuck.
    func drain() async -> Bool {
        while true {
            let (count, stuck) = state.withLock { ($0.jobs.count, $0.stuck) }
            if stuck { return false }
            if count == 0 { return true }
            await signal.wait(timeout: .milliseconds(200))
        }
    }

    // MARK: Timeouts

    /// Laravel's job timeout for every job in flight, checked by one loop: past its deadline a job is
    /// cancelled and the timeout rules apply at once; still running after the grace period, it is stuck and
    /// the worker stops so its supervisor can start a fresh process.
    func watchTimeouts() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            let now = ContinuousClock.now
            let watches = state.withLock { $0.jobs.values.map(\.watch) }
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

    private func markStuck() {
        guard state.withLock({ s -> Bool in defer { s.stuck = true }; return !s.stuck }) else { return }
        logger.critical("a timed-out job ignored cancellation; the worker exits so its supervisor restarts it")
        signal.signal()
    }

    // MARK: Reservations

    /// A Swift job that outlives a third of `retry_after` gets its reservation pushed forward, so no PHP worker's
    /// migration starts it a second time (Laravel itself has no such heartbeat). Ends when cancelled, or when
    /// `stopping()` and no job runs.
    ///
    /// Scores are whole seconds, so a reservation may last only `retry_after - 1` s: renewing at a third,
    /// checked every twelfth, stays inside that even for a `retry_after` of 2 s.
    func keepReservations(stopping: @escaping @Sendable () -> Bool,
                          onRenewal: @escaping @Sendable (RedisJob, Bool) async -> Void = { _, _ in }) async {
        let due = Duration.seconds(max(queue.retryAfter, 2)) / 3
        let tick = min(due / 4, .seconds(5))
        while true {
            try? await Task.sleep(for: tick)
            if Task.isCancelled { return }
            let (idle, renewals) = state.withLock { s -> (Bool, [(Int, RedisJob)]) in
                let now = ContinuousClock.now
                // A timed-out job is no longer ours to keep: it must come back after retry_after.
                let renewals = s.jobs.filter { now - $0.value.renewedAt >= due && !$0.value.watch.timedOut }
                    .map { ($0.key, $0.value.job) }
                return (s.jobs.isEmpty, renewals)
            }
            if (idle && stopping()) || Task.isCancelled { return }
            for (id, job) in renewals {
                do {
                    let renewed = try await queue.renewReservation(job)
                    state.withLock { s in s.jobs[id]?.renewedAt = .now }
                    await onRenewal(job, renewed)
                    if !renewed {
                        logger.warning("reservation was gone when renewing; another worker may run this job",
                                       metadata: ["uuid": "\(job.uuid ?? "")"])
                    }
                } catch {
                    logger.error("could not renew a reservation", metadata: ["uuid": "\(job.uuid ?? "")", "error": "\(error)"])
                }
            }
        }
    }
}
