@testable import LaravelQueue
import XCTest

/// Every branch of the worker loop's decisions, without I/O: events in, actions out.
final class WorkerStateMachineTests: XCTestCase {
    typealias Machine = WorkerStateMachine
    let t0 = ContinuousClock.now

    private func config(_ queues: [String] = ["default"], _ change: (inout Machine.Configuration) -> Void = { _ in }) -> Machine.Configuration {
        var c = Machine.Configuration(queues: queues)
        c.sleep = .seconds(3)
        c.maintenanceInterval = .seconds(1)
        change(&c)
        return c
    }

    private func at(_ seconds: Double, inFlight: Int = 0, processed: Int = 0) -> Machine.Snapshot {
        Machine.Snapshot(now: t0 + .milliseconds(Int(seconds * 1000)), inFlight: inFlight, processed: processed)
    }

    /// A machine past its first maintenance, and the first pop it asks for (its round under way).
    private func started(_ c: Machine.Configuration, paused: Set<String> = []) -> (Machine, Machine.Action) {
        var m = Machine(configuration: c, now: t0)
        XCTAssertEqual(m.tick(at(0)), .maintain)
        let first = m.maintained(restartRequested: false, pausedQueues: paused, appDown: false)
        return (m, first)
    }

    // MARK: Turns and maintenance

    func testFirstTurnMaintainsThenPopsEveryFreeSlotFromTheFirstQueue() {
        var m = Machine(configuration: config(["high", "low"]) { $0.concurrency = 8 }, now: t0)
        XCTAssertEqual(m.tick(at(0)), .maintain)
        XCTAssertEqual(m.maintained(restartRequested: false, pausedQueues: [], appDown: false), .pop(queue: "high", count: 8))
    }

    func testMaintenanceRunsAtMostEveryInterval() {
        let (initial, first) = started(config())
        _ = first
        var m = initial
        XCTAssertEqual(m.popped(taken: 1, ran: 1, handedBack: 0, nonEmpty: true, inFlight: 0), .nextTurn)
        XCTAssertEqual(m.tick(at(0.5)), .pop(queue: "default", count: 1), "within the interval: no maintenance")
        _ = m.popped(taken: 1, ran: 1, handedBack: 0, nonEmpty: true, inFlight: 0)
        XCTAssertEqual(m.tick(at(1.0)), .maintain)
    }

    func testRestartSeenDrains() {
        var m = Machine(configuration: config(), now: t0)
        XCTAssertEqual(m.tick(at(0)), .maintain)
        XCTAssertEqual(m.maintained(restartRequested: true, pausedQueues: [], appDown: false), .drain(.stopped(reason: "restart signal")))
    }

    // MARK: Stop conditions

    func testStopConditionsInLaravelsOrder() {
        var m = Machine(configuration: config { $0.memoryLimit = 128; $0.maxTime = .seconds(60); $0.maxJobs = 10 }, now: t0)
        var s = at(61, processed: 10)
        s.residentMegabytes = 200
        s.stopRequested = "signal"
        s.stuck = true
        XCTAssertEqual(m.tick(s), .drain(.stuckJob))
        s.stuck = false
        XCTAssertEqual(m.tick(s), .drain(.stopped(reason: "signal")))
        s.stopRequested = nil
        XCTAssertEqual(m.tick(s), .drain(.memoryExceeded))
        s.residentMegabytes = 127
        XCTAssertEqual(m.tick(s), .drain(.stopped(reason: "max time")))
        s.now = t0 + .seconds(59)
        XCTAssertEqual(m.tick(s), .drain(.stopped(reason: "max jobs")))
        s.processed = 9
        XCTAssertEqual(m.tick(s), .maintain)
    }

    func testNoLimitsNeverStop() {
        var m = Machine(configuration: config(), now: t0)
        var s = at(100_000, processed: 1_000_000)
        s.residentMegabytes = 10_000
        XCTAssertEqual(m.tick(s), .maintain)
    }

    // MARK: Pause, maintenance mode, slots

    func testPausedBySignalWaitsOneSleep() {
        let (initial, first) = started(config())
        _ = first
        var m = initial
        _ = m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: false, inFlight: 0)
        var s = at(0.1)
        s.pausedBySignal = true
        XCTAssertEqual(m.tick(s), .wait(.seconds(3), .pausedBySignal))
    }

    func testAppDownWaitsAtLeastASecondAndResumesWhenUp() {
        var m = Machine(configuration: config { $0.sleep = .milliseconds(100) }, now: t0)
        _ = m.tick(at(0))
        XCTAssertEqual(m.maintained(restartRequested: false, pausedQueues: [], appDown: true), .wait(.seconds(1), .appDown))
        XCTAssertEqual(m.tick(at(0.5)), .wait(.seconds(1), .appDown), "still down until the next maintenance")
        XCTAssertEqual(m.tick(at(1.5)), .maintain)
        XCTAssertEqual(m.maintained(restartRequested: false, pausedQueues: [], appDown: false), .pop(queue: "default", count: 1))
    }

    func testNoFreeSlotWaitsForAJobToFinish() {
        let (initial, first) = started(config { $0.concurrency = 2 })
        _ = first
        var m = initial
        _ = m.popped(taken: 2, ran: 2, handedBack: 0, nonEmpty: true, inFlight: 2)
        XCTAssertEqual(m.tick(at(0.1, inFlight: 2)), .wait(.seconds(1), .slotsBusy))
    }

    func testMaxJobsCapsTheSlotsByJobsDoneAndRunning() {
        var m = Machine(configuration: config { $0.concurrency = 8; $0.maxJobs = 5 }, now: t0)
        _ = m.tick(at(0, inFlight: 1, processed: 2))
        XCTAssertEqual(m.maintained(restartRequested: false, pausedQueues: [], appDown: false), .pop(queue: "default", count: 2))
    }

    func testRefillWaitsBrieflyForAQuarterOfTheSlots() {
        let (initial, first) = started(config { $0.concurrency = 8 })
        _ = first
        var m = initial
        _ = m.popped(taken: 8, ran: 8, handedBack: 0, nonEmpty: true, inFlight: 8)
        // One slot free 1 ms after the pop: wait the rest of the 5 ms window for more.
        XCTAssertEqual(m.tick(at(0.001, inFlight: 7)), .wait(.milliseconds(4), .refill))
        // Two free (a quarter of 8): pop at once.
        XCTAssertEqual(m.tick(at(0.002, inFlight: 6)), .pop(queue: "default", count: 2))
        _ = m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: false, inFlight: 6)
        // Window passed: even one free slot is filled.
        _ = m.tick(at(0.003, inFlight: 7))
        XCTAssertEqual(m.tick(at(0.009, inFlight: 7)), .pop(queue: "default", count: 1))
    }

    // MARK: Rounds

    func testRoundFillsTheRestFromLowerQueuesAndSkipsPausedOnes() {
        let (initial, first) = started(config(["high", "paused", "low"]) { $0.concurrency = 4 }, paused: ["paused"])
        var m = initial
        XCTAssertEqual(first, .pop(queue: "high", count: 4))
        XCTAssertEqual(m.popped(taken: 1, ran: 1, handedBack: 0, nonEmpty: true, inFlight: 1), .pop(queue: "low", count: 3))
        XCTAssertEqual(m.popped(taken: 3, ran: 3, handedBack: 0, nonEmpty: true, inFlight: 4), .nextTurn)
    }

    func testFullRoundStopsAtTheFirstQueue() {
        let (initial, first) = started(config(["high", "low"]) { $0.concurrency = 2 })
        _ = first
        var m = initial
        XCTAssertEqual(m.popped(taken: 2, ran: 2, handedBack: 0, nonEmpty: true, inFlight: 2), .nextTurn)
    }

    func testRestBetweenRoundsThatRanJobs() {
        let (initial, first) = started(config { $0.rest = .milliseconds(250) })
        _ = first
        var m = initial
        XCTAssertEqual(m.popped(taken: 1, ran: 1, handedBack: 0, nonEmpty: true, inFlight: 1), .rest(.milliseconds(250)))
    }

    func testEmptyRoundIdlesOnTheFirstQueueNotPaused() {
        let (initial, first) = started(config(["a", "b"]), paused: ["a"])
        var m = initial
        XCTAssertEqual(first, .pop(queue: "b", count: 1))
        XCTAssertEqual(m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: false, inFlight: 0), .idle(queue: "b", block: true, sleep: .seconds(3)))
    }

    func testQuarantineOnlyCountsAsSomethingPopped() {
        let (initial, first) = started(config())
        _ = first
        var m = initial
        XCTAssertEqual(m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: true, inFlight: 0), .nextTurn)
    }

    // MARK: --stop-when-empty

    func testStopWhenEmptyRightAfterAMigration() {
        let (initial, first) = started(config { $0.stopWhenEmpty = true })
        var m = initial
        XCTAssertEqual(first, .pop(queue: "default", count: 1))
        XCTAssertEqual(m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: false, inFlight: 0), .drain(.stopped(reason: "queue empty")))
    }

    func testStopWhenEmptyMigratesFirstWhenTheRoundDidNotFollowOne() {
        let (initial, first) = started(config { $0.stopWhenEmpty = true })
        _ = first
        var m = initial
        _ = m.popped(taken: 1, ran: 1, handedBack: 0, nonEmpty: true, inFlight: 0)
        XCTAssertEqual(m.tick(at(0.1)), .pop(queue: "default", count: 1), "no maintenance yet: within the interval")
        XCTAssertEqual(m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: false, inFlight: 0), .nextTurn)
        XCTAssertEqual(m.tick(at(0.2)), .maintain, "a released job may be due: migrate before calling the queue empty")
        XCTAssertEqual(m.maintained(restartRequested: false, pausedQueues: [], appDown: false), .pop(queue: "default", count: 1))
        XCTAssertEqual(m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: false, inFlight: 0), .drain(.stopped(reason: "queue empty")))
    }

    func testStopWhenEmptyWaitsForJobsInFlight() {
        let (initial, first) = started(config { $0.stopWhenEmpty = true; $0.concurrency = 2 })
        _ = first
        var m = initial
        XCTAssertEqual(m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: false, inFlight: 1), .idle(queue: "default", block: false, sleep: .seconds(3)),
                       "no BLPOP while a job runs: its finishing must wake the loop")
    }

    // MARK: --once

    func testOnceRunsOneJobThenDrains() {
        let (initial, first) = started(config { $0.once = true; $0.concurrency = 4 })
        var m = initial
        XCTAssertEqual(first, .pop(queue: "default", count: 1))
        XCTAssertEqual(m.popped(taken: 1, ran: 1, handedBack: 0, nonEmpty: true, inFlight: 1), .drain(.stopped(reason: "once")))
    }

    func testOnceWithNoJobSleepsOnceThenDrains() {
        let (initial, first) = started(config { $0.once = true })
        _ = first
        var m = initial
        XCTAssertEqual(m.popped(taken: 0, ran: 0, handedBack: 0, nonEmpty: false, inFlight: 0), .wait(.seconds(3), .onceFoundNothing))
        var s = at(3)
        s.stopRequested = "signal"
        XCTAssertEqual(m.tick(s), .drain(.stopped(reason: "once")))
    }

    // MARK: Hand-back

    func testOnlyHandedBackJobsBackOffDoublingToThirtySeconds() {
        let (initial, first) = started(config())
        _ = first
        var m = initial
        var waits: [Duration] = []
        var t = 0.0
        for _ in 0..<7 {
            if case .maintain = m.tick(at(t)) { _ = m.maintained(restartRequested: false, pausedQueues: [], appDown: false) }
            if case .wait(let d, .handBackBackoff(handedBack: 1)) = m.popped(taken: 1, ran: 0, handedBack: 1, nonEmpty: true, inFlight: 0) {
                waits.append(d)
                t += Double(d.components.seconds)
            }
        }
        XCTAssertEqual(waits, [1, 2, 4, 8, 16, 30, 30].map { .seconds($0) })
        XCTAssertEqual(m.handBackBackoff, .seconds(30))
    }

    func testRunningAJobResetsTheBackOff() {
        let (initial, first) = started(config())
        _ = first
        var m = initial
        _ = m.popped(taken: 1, ran: 0, handedBack: 1, nonEmpty: true, inFlight: 0)
        XCTAssertEqual(m.handBackBackoff, .seconds(1))
        _ = m.tick(at(2))
        _ = m.maintained(restartRequested: false, pausedQueues: [], appDown: false)
        _ = m.popped(taken: 2, ran: 1, handedBack: 1, nonEmpty: true, inFlight: 1)
        XCTAssertEqual(m.handBackBackoff, .zero)
    }

    func testStopWhenEmptyCountsOnlyHandedBackJobsAsEmpty() {
        let (initial, first) = started(config { $0.stopWhenEmpty = true })
        _ = first
        var m = initial
        XCTAssertEqual(m.popped(taken: 1, ran: 0, handedBack: 1, nonEmpty: true, inFlight: 0), .drain(.stopped(reason: "queue empty")))
    }

    // MARK: A failed pop

    func testFailedPopWaitsASecondThenEndsTheRoundAsEmpty() {
        let (initial, first) = started(config())
        _ = first
        var m = initial
        XCTAssertEqual(m.popFailed(), .wait(.seconds(1), .popFailed))
        XCTAssertEqual(m.tick(at(1.5)), .idle(queue: "default", block: true, sleep: .seconds(3)), "like Laravel's null job: then the --sleep")
    }

    func testFailedPopUnderOnceExits() {
        let (initial, first) = started(config { $0.once = true })
        _ = first
        var m = initial
        _ = m.popFailed()
        XCTAssertEqual(m.tick(at(1)), .wait(.seconds(3), .onceFoundNothing))
        XCTAssertEqual(m.tick(at(4)), .drain(.stopped(reason: "once")))
    }

    func testFailedPopInALaterQueueKeepsWhatTheRoundRan() {
        let (initial, first) = started(config(["a", "b"]) { $0.concurrency = 2 })
        _ = first
        var m = initial
        XCTAssertEqual(m.popped(taken: 1, ran: 1, handedBack: 0, nonEmpty: true, inFlight: 1), .pop(queue: "b", count: 1))
        _ = m.popFailed()
        XCTAssertEqual(m.tick(at(1.2, inFlight: 1)), .maintain, "the round ran a job: on to the next turn")
    }

    // MARK: Sharing a queue with PHP

    func testRouterForwardingIsProgressNeverABackOff() {
        let (initial, first) = started(config(["pull", "low"]) { $0.concurrency = 4 })
        var m = initial
        XCTAssertEqual(first, .pop(queue: "pull", count: 4))
        let routedOnly = Machine.PopOutcome(routed: 256, nonEmpty: true, exhausted: false)
        XCTAssertEqual(m.popped(routedOnly, inFlight: 0), .nextTurn, "a full batch: the same queue again next turn, not `low`")
        XCTAssertEqual(m.handBackBackoff, .zero)
        XCTAssertEqual(m.tick(at(0.001)), .pop(queue: "pull", count: 4))
        XCTAssertEqual(m.popped(Machine.PopOutcome(routed: 10, nonEmpty: true), inFlight: 0), .pop(queue: "low", count: 4))
    }

    func testStopWhenEmptyWaitsUntilTheRouterFoundTheSourceEmpty() {
        let (initial, _) = started(config { $0.stopWhenEmpty = true })
        var m = initial
        XCTAssertEqual(m.popped(Machine.PopOutcome(routed: 3, nonEmpty: true), inFlight: 0), .nextTurn)
        XCTAssertEqual(m.tick(at(1)), .maintain)
        _ = m.maintained(restartRequested: false, pausedQueues: [], appDown: false)
        XCTAssertEqual(m.popped(Machine.PopOutcome(), inFlight: 0), .drain(.stopped(reason: "queue empty")))
    }

    /// PHP's jobs left in the window hold notify tokens: a BLPOP would return at once, so the worker sleeps.
    func testAWindowOfPHPsJobsIdlesWithoutBlocking() {
        let (initial, _) = started(config())
        var m = initial
        XCTAssertEqual(m.popped(Machine.PopOutcome(passedOver: 12), inFlight: 0), .idle(queue: "default", block: false, sleep: .seconds(3)))
        _ = m.tick(at(0.1))
        XCTAssertEqual(m.popped(Machine.PopOutcome(), inFlight: 0), .idle(queue: "default", block: true, sleep: .seconds(3)))
    }

    func testAWindowOfPHPsJobsCountsAsEmptyForStopWhenEmpty() {
        let (initial, _) = started(config { $0.stopWhenEmpty = true })
        var m = initial
        XCTAssertEqual(m.popped(Machine.PopOutcome(passedOver: 40), inFlight: 0), .drain(.stopped(reason: "queue empty")))
    }

    /// `--sleep 0` with jobs in flight: an empty queue is asked again after a finished job or `busyPoll`, never
    /// back to back (the empty re-pops that made bench rounds bimodal); with nothing in flight, `--sleep` as is.
    func testEmptyQueueWithJobsInFlightWaitsAtLeastTheBusyPoll() {
        let (initial, _) = started(config { $0.sleep = .zero; $0.concurrency = 4 })
        var m = initial
        XCTAssertEqual(m.popped(Machine.PopOutcome(), inFlight: 3), .idle(queue: "default", block: false, sleep: .milliseconds(5)))
        _ = m.tick(at(0.1, inFlight: 0))
        XCTAssertEqual(m.popped(Machine.PopOutcome(), inFlight: 0), .idle(queue: "default", block: true, sleep: .zero))
    }

    // MARK: Configuration from options

    func testConfigurationFromWorkerOptions() {
        var o = WorkerOptions()
        o.concurrency = 16
        o.maxJobs = 3
        o.maxTime = 60
        o.memory = 128
        o.sleep = 0.25
        o.rest = 0.5
        o.once = true
        o.stopWhenEmpty = true
        let c = Machine.Configuration(options: o, queues: ["q"], maintenanceInterval: .milliseconds(50))
        XCTAssertEqual(c.concurrency, 16)
        XCTAssertEqual(c.refillBatch, 4)
        XCTAssertEqual(c.maxJobs, 3)
        XCTAssertEqual(c.maxTime, .seconds(60))
        XCTAssertEqual(c.memoryLimit, 128)
        XCTAssertEqual(c.sleep, .milliseconds(250))
        XCTAssertEqual(c.rest, .milliseconds(500))
        XCTAssertTrue(c.once && c.stopWhenEmpty)
        XCTAssertEqual(c.maintenanceInterval, .milliseconds(50))
        o.maxTime = 0
        o.memory = 0
        let unlimited = Machine.Configuration(options: o, queues: ["q"], maintenanceInterval: .seconds(1))
        XCTAssertNil(unlimited.maxTime)
        XCTAssertNil(unlimited.memoryLimit)
    }
}
