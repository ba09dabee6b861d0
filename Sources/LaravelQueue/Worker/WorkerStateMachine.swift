/// The decisions of `queue:work`'s loop as a value: it is told what happened (a new turn, control signals
/// read, a pop's result) and answers what to do next, with no I/O and no clock of its own, so every rule is
/// tested without Redis or time passing (as postgres-nio tests its connection state machine).
///
/// A turn: stop conditions; Laravel's control signals and migration (at most every `maintenanceInterval`,
/// where PHP does both before every pop); pause and maintenance mode; free slots; then a round of pops over the
/// queues in priority order, each asking for every free slot; then what the round's outcome means: `--once`,
/// back-off when only PHP's jobs came, stop-when-empty, idle, or `--rest`.
struct WorkerStateMachine: Sendable {
    struct Configuration: Sendable, Equatable {
        /// `--queue`, in priority order.
        var queues: [String]
        var concurrency: Int = 1
        /// `--max-jobs`; 0 = unlimited.
        var maxJobs: Int = 0
        /// `--max-time`; nil = unlimited.
        var maxTime: Duration?
        /// `--memory` in MB; nil = unlimited.
        var memoryLimit: Double?
        var once = false
        var stopWhenEmpty = false
        /// `--sleep`.
        var sleep: Duration = .seconds(3)
        /// `--rest`; zero = none.
        var rest: Duration = .zero
        /// Bound on how stale migration and the control signals may be.
        var maintenanceInterval: Duration = .seconds(1)
        /// The longest a free slot waits for others before it is filled on its own.
        var refillWindow: Duration = .milliseconds(5)
        /// With jobs in flight, the shortest wait before an empty queue is asked again (unless a job finishes).
        var busyPoll: Duration = .milliseconds(5)

        /// Slots are filled in batches of a quarter, so one pop round trip serves many jobs.
        var refillBatch: Int { max(1, concurrency / 4) }

        init(queues: [String]) { self.queues = queues }

        init(options: WorkerOptions, queues: [String], maintenanceInterval: Duration) {
            self.queues = queues
            concurrency = options.concurrency
            maxJobs = options.maxJobs
            maxTime = options.maxTime > 0 ? .seconds(options.maxTime) : nil
            memoryLimit = options.memory > 0 ? Double(options.memory) : nil
            once = options.once
            stopWhenEmpty = options.stopWhenEmpty
            sleep = .milliseconds(Int(max(options.sleep, 0) * 1000))
            rest = .milliseconds(Int(max(options.rest, 0) * 1000))
            self.maintenanceInterval = maintenanceInterval
        }
    }

    /// What the worker sees at the start of a turn.
    struct Snapshot: Sendable, Equatable {
        var now: ContinuousClock.Instant
        var inFlight = 0
        /// Jobs finished since start.
        var processed = 0
        /// A timed-out job ignored cancellation.
        var stuck = false
        /// SIGTERM/SIGINT/SIGQUIT (or `stop()`): why.
        var stopRequested: String?
        /// SIGUSR2 until SIGCONT.
        var pausedBySignal = false
        /// Resident memory, measured only when a limit is set.
        var residentMegabytes: Double?
    }

    /// Why the worker waits; what it logs, if anything.
    enum WaitReason: Sendable, Equatable {
        case pausedBySignal
        case appDown
        case slotsBusy
        /// A few slots are free while jobs run: wait a moment for more, to pop them together.
        case refill
        case popFailed
        /// `--once` found no job: one `--sleep`, as Laravel does, then exit.
        case onceFoundNothing
        /// Only jobs Shuttle does not run came: they went back to PHP.
        case handBackBackoff(handedBack: Int)
    }

    /// What one pop gave.
    struct PopOutcome: Sendable, Equatable {
        /// Jobs reserved (each takes a slot, whether started or handed back).
        var taken = 0
        var ran = 0
        /// Reserved jobs Shuttle had no handler for, given back one by one.
        var handedBack = 0
        /// Router mode: jobs forwarded to PHP's queue, never reserved.
        var routed = 0
        /// Anything came off the list (elements that are not jobs included).
        var nonEmpty = false
        /// The queue gave less than asked: nothing more there now.
        var exhausted = true
        /// Selective reservation: the window held jobs left for PHP (the notify list holds their tokens).
        var passedOver = 0
    }

    enum Action: Sendable, Equatable {
        /// Read Laravel's control signals (restart, paused queues, maintenance mode) and, unless a restart was
        /// seen, migrate due and expired jobs of the queues not paused; answer with `maintained`.
        case maintain
        /// Reserve up to `count` jobs from `queue`; answer with `popped` or `popFailed`.
        case pop(queue: String, count: Int)
        /// Sleep until a job finishes or a signal comes, at most this long; then a new turn.
        case wait(Duration, WaitReason)
        /// Nothing came: BLPOP the queue's notify list (when `block` and the driver has `block_for`), then sleep
        /// `sleep`; then a new turn. No BLPOP while jobs run (a finished job must wake the loop) or while PHP's
        /// jobs wait in the list (their notify tokens would wake it at once).
        case idle(queue: String?, block: Bool, sleep: Duration)
        /// `--rest` between rounds; then a new turn.
        case rest(Duration)
        /// Take no more jobs, let those in flight finish, and exit.
        case drain(WorkerExit)
        /// Start the next turn now.
        case nextTurn
    }

    private struct Round {
        var free: Int
        var queues: ArraySlice<String>
        var ran = 0
        var handedBack = 0
        var routed = 0
        var passedOver = 0
        var popped = false
        var followsMigration: Bool
    }

    let configuration: Configuration
    private let started: ContinuousClock.Instant
    private var lastMaintenance: ContinuousClock.Instant?
    private var lastPop: ContinuousClock.Instant
    private(set) var pausedQueues: Set<String> = []
    private(set) var appDown = false
    private(set) var handBackBackoff: Duration = .zero
    private var migratedBeforeThisRound = false
    /// The turn under way.
    private var snapshot: Snapshot
    private var round: Round?
    /// A pop failed: the round ends (as Laravel's null job) after the one-second wait.
    private var roundEndPending = false
    /// Exit after the wait under way (`--once`).
    private var exitPending: WorkerExit?

    init(configuration: Configuration, now: ContinuousClock.Instant) {
        self.configuration = configuration
        started = now
        lastPop = now
        snapshot = Snapshot(now: now)
    }

    // MARK: Events

    /// A new turn.
    mutating func tick(_ snapshot: Snapshot) -> Action {
        self.snapshot = snapshot
        if let exit = exitPending { return .drain(exit) }
        if roundEndPending, let round {
            roundEndPending = false
            self.round = nil
            if let action = endRound(round, inFlight: snapshot.inFlight) { return action }
        }
        if let exit = stopCondition() { return .drain(exit) }
        if let last = lastMaintenance, snapshot.now - last < configuration.maintenanceInterval {
            return afterMaintenance()
        }
        lastMaintenance = snapshot.now
        migratedBeforeThisRound = true
        return .maintain
    }

    /// The control signals were read; the queues not paused were migrated (unless a restart was seen).
    mutating func maintained(restartRequested: Bool, pausedQueues: Set<String>, appDown: Bool) -> Action {
        if restartRequested { return .drain(.stopped(reason: "restart signal")) }
        self.pausedQueues = pausedQueues
        self.appDown = appDown
        return afterMaintenance()
    }

    /// A pop returned. `inFlight` is counted after starting its jobs.
    mutating func popped(_ outcome: PopOutcome, inFlight: Int) -> Action {
        guard var round else { preconditionFailure("popped outside a round") }
        round.passedOver += outcome.passedOver
        if outcome.nonEmpty {
            round.popped = true
            round.free -= outcome.taken
            round.ran += outcome.ran
            round.handedBack += outcome.handedBack
            round.routed += outcome.routed
        }
        // A queue that gave less than asked is empty: fill the rest from the next one. One that may have more
        // (a router's full batch) keeps its priority: the round ends and the next turn starts with it again.
        if !outcome.exhausted { round.queues = [] }
        self.round = round
        return nextPop(inFlight: inFlight)
    }

    /// `popped` for a plain pop of `taken` jobs, of which `ran` were started and `handedBack` given back.
    mutating func popped(taken: Int, ran: Int, handedBack: Int, nonEmpty: Bool, inFlight: Int) -> Action {
        popped(PopOutcome(taken: taken, ran: ran, handedBack: handedBack, nonEmpty: nonEmpty), inFlight: inFlight)
    }

    /// The pop failed: Laravel reports it and sleeps a second, and the round ends as one that found no job.
    mutating func popFailed() -> Action {
        roundEndPending = true
        return .wait(.seconds(1), .popFailed)
    }

    // MARK: Rules

    private func stopCondition() -> WorkerExit? {
        let s = snapshot
        if s.stuck { return .stuckJob }
        if let reason = s.stopRequested { return .stopped(reason: reason) }
        if let limit = configuration.memoryLimit, let rss = s.residentMegabytes, rss >= limit { return .memoryExceeded }
        if let maxTime = configuration.maxTime, s.now - started >= maxTime { return .stopped(reason: "max time") }
        if configuration.maxJobs > 0, s.processed >= configuration.maxJobs { return .stopped(reason: "max jobs") }
        return nil
    }

    private mutating func afterMaintenance() -> Action {
        let s = snapshot
        if s.pausedBySignal { return .wait(configuration.sleep, .pausedBySignal) }
        // Laravel's pauseWorker: sleep (at least a second), then look again.
        if appDown { return .wait(max(configuration.sleep, .seconds(1)), .appDown) }
        var free = configuration.concurrency - s.inFlight
        if configuration.maxJobs > 0 { free = min(free, configuration.maxJobs - (s.processed + s.inFlight)) }
        if configuration.once { free = min(free, 1) }
        if free <= 0 { return .wait(configuration.maintenanceInterval, .slotsBusy) }
        let sinceLastPop = s.now - lastPop
        if free < configuration.refillBatch && s.inFlight > 0 && sinceLastPop < configuration.refillWindow {
            return .wait(configuration.refillWindow - sinceLastPop, .refill)
        }
        lastPop = s.now
        round = Round(free: free, queues: configuration.queues[...], followsMigration: migratedBeforeThisRound)
        migratedBeforeThisRound = false
        return nextPop(inFlight: s.inFlight)
    }

    private mutating func nextPop(inFlight: Int) -> Action {
        guard var round else { preconditionFailure("no round") }
        while round.free > 0, let name = round.queues.popFirst() {
            if pausedQueues.contains(name) { continue }
            self.round = round
            return .pop(queue: name, count: round.free)
        }
        self.round = nil
        return endRound(round, inFlight: inFlight) ?? .nextTurn
    }

    /// What the round's outcome means; nil when the next turn starts right away.
    private mutating func endRound(_ round: Round, inFlight: Int) -> Action? {
        if configuration.once {
            // `--once`: the next job, or (like Laravel) one `--sleep` when there was none.
            if !round.popped {
                exitPending = .stopped(reason: "once")
                return .wait(configuration.sleep, .onceFoundNothing)
            }
            return .drain(.stopped(reason: "once"))
        }
        // Forwarding to PHP's queue is progress, never a hot loop: no back-off for a router.
        if round.popped && round.ran == 0 && round.handedBack > 0 && round.routed == 0 {
            // Nothing here is Shuttle's to run: for --stop-when-empty that is an empty queue.
            if configuration.stopWhenEmpty && inFlight == 0 { return .drain(.stopped(reason: "queue empty")) }
            handBackBackoff = min(max(handBackBackoff * 2, .seconds(1)), .seconds(30))
            return .wait(handBackBackoff, .handBackBackoff(handedBack: round.handedBack))
        }
        if round.ran > 0 { handBackBackoff = .zero }
        if !round.popped {
            if configuration.stopWhenEmpty && inFlight == 0 {
                // Laravel migrates before every pop: only call the queues empty right after a migration,
                // or a job released with no delay (or just due) would be left behind.
                if !round.followsMigration {
                    lastMaintenance = nil
                    return nil
                }
                return .drain(.stopped(reason: "queue empty"))
            }
            // With jobs in flight, an empty queue is asked again only after one finishes or `busyPoll`: with
            // `--sleep 0` it was re-popped back to back, which took the connection and a core from those jobs'
            // deletes (thousands of empty pops per bench run, whole runs a third slower at random).
            return .idle(queue: configuration.queues.first { !pausedQueues.contains($0) },
                         block: round.passedOver == 0 && inFlight == 0,
                         sleep: inFlight > 0 ? max(configuration.sleep, configuration.busyPoll) : configuration.sleep)
        }
        if configuration.rest > .zero { return .rest(configuration.rest) }
        return nil
    }
}
