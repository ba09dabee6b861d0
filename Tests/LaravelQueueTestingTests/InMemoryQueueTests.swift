import Foundation
import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import XCTest

/// Each `InMemoryQueue` operation against the rule of the Redis script or command it stands for.
final class InMemoryQueueTests: XCTestCase {
    private let start = 1_800_000_000

    private func makeQueue(retryAfter: Int = 45, blockFor: Double? = nil, migrationBatchSize: Int = -1) -> (InMemoryQueue, TestClock) {
        let clock = TestClock(start)
        return (InMemoryQueue(retryAfter: retryAfter, blockFor: blockFor, migrationBatchSize: migrationBatchSize, clock: { clock.now }), clock)
    }

    private func payload(_ value: Int = 1) throws -> Payload { try InMemoryWorkerBed.payload(value: value) }

    private func popOne(_ queue: InMemoryQueue, _ name: String? = nil, file: StaticString = #filePath, line: UInt = #line) async throws -> RedisJob {
        let result = try await queue.pop(queue: name)
        return try XCTUnwrap(result.jobs.first, "nothing popped", file: file, line: line)
    }

    // MARK: Producing

    func testPushAppendsTheExactBytesWithOneNotifyTokenEach() async throws {
        let (queue, _) = makeQueue()
        let a = try payload(1), b = try payload(2)
        try await queue.push(a)
        try await queue.push(b)
        try await queue.push(a, queue: "other")
        XCTAssertEqual(queue.ready(), [a.rawBytes, b.rawBytes])
        XCTAssertEqual(queue.notifyTokens(), 2)
        XCTAssertEqual(queue.ready(queue: "other"), [a.rawBytes])
        XCTAssertEqual(queue.notifyTokens(queue: "other"), 1)
        let sizes = try await queue.sizes()
        XCTAssertEqual(sizes, QueueSizes(ready: 2, delayed: 0, reserved: 0))
    }

    func testProducersRefuseAPayloadWithoutANumericAttempts() async throws {
        let (queue, _) = makeQueue()
        let noAttempts = try Payload(#"{"uuid":"u1","job":"X"}"#)
        let stringAttempts = try Payload(#"{"uuid":"u2","attempts":"0"}"#)
        do { try await queue.push(noAttempts); XCTFail("push accepted it") } catch let error as PayloadValidator.Error {
            XCTAssertEqual(error, .missingAttempts)
        }
        do { try await queue.later(stringAttempts, availableAt: start); XCTFail("later accepted it") } catch let error as PayloadValidator.Error {
            XCTAssertEqual(error, .attemptsNotANumber)
        }
        do { try await queue.bulk([try payload(), noAttempts]); XCTFail("bulk accepted it") } catch is PayloadValidator.Error {}
        let sizes = try await queue.sizes()
        XCTAssertEqual(sizes.total, 0, "bulk validates every payload before pushing any")
        XCTAssertEqual(queue.notifyTokens(), 0)
    }

    func testBulkPushesInOrderWithATokenEach() async throws {
        let (queue, _) = makeQueue()
        let payloads = try (1...3).map(payload)
        try await queue.bulk(payloads, queue: "bulk")
        XCTAssertEqual(queue.ready(queue: "bulk"), payloads.map(\.rawBytes))
        XCTAssertEqual(queue.notifyTokens(queue: "bulk"), 3)
    }

    func testLaterAddsToTheDelayedSetWithoutAToken() async throws {
        let (queue, _) = makeQueue()
        let a = try payload(1), b = try payload(2), c = try payload(3)
        try await queue.later(a, delay: 30)
        try await queue.later(b, availableAt: start + 10)
        try await queue.later(c, delay: -5)
        XCTAssertEqual(queue.delayed().map(\.member), [c.rawBytes, b.rawBytes, a.rawBytes], "by due time")
        XCTAssertEqual(queue.delayed().map(\.score), [start, start + 10, start + 30], "a negative delay is due now")
        XCTAssertEqual(queue.notifyTokens(), 0)
        try await queue.later(a, availableAt: start + 5)
        XCTAssertEqual(queue.delayed().map(\.score), [start, start + 5, start + 10], "ZADD of the same bytes moves the member")
    }

    // MARK: Pop

    func testPopReservesTheHeadUntilNowPlusRetryAfterWithAttemptsPlusOne() async throws {
        let (queue, _) = makeQueue(retryAfter: 45)
        let a = try payload(1), b = try payload(2)
        try await queue.push(a)
        try await queue.push(b)

        let result = try await queue.pop()
        XCTAssertEqual(result.jobs.count, 1)
        let job = try XCTUnwrap(result.jobs.first)
        XCTAssertEqual(job.rawBody, a.rawBytes, "LPOP: the head, its bytes as pushed")
        XCTAssertEqual(job.payload, a, "the original, decoded")
        XCTAssertEqual(job.reserved, try a.withAttempts(1).rawBytes, "Shuttle's writer makes the reserved copy")
        XCTAssertEqual(job.attempts, 1)
        XCTAssertEqual(job.queue, "default")
        XCTAssertEqual(job.connectionName, "redis")
        XCTAssertEqual(queue.reserved().map(\.member), [job.reserved])
        XCTAssertEqual(queue.reserved().map(\.score), [start + 45])
        XCTAssertEqual(queue.ready(), [b.rawBytes])
        XCTAssertEqual(queue.notifyTokens(), 1, "one token per job taken")
    }

    func testPopTakesUpToCountAndNoMoreTokensThanJobs() async throws {
        let (queue, _) = makeQueue()
        let payloads = try (1...3).map(payload)
        try await queue.bulk(payloads)
        queue.appendUnchecked(try payload(4).rawBytes)  // no token for this one

        let three = try await queue.pop(count: 3)
        XCTAssertEqual(three.jobs.map(\.rawBody), payloads.map(\.rawBytes))
        XCTAssertEqual(queue.notifyTokens(), 0)
        let rest = try await queue.pop(count: 10)
        XCTAssertEqual(rest.jobs.count, 1, "fewer when the list runs out")
        XCTAssertEqual(queue.notifyTokens(), 0, "a missing token is no error")
        let none = try await queue.pop(count: 0)
        XCTAssertTrue(none.isEmpty)
        let sizes = try await queue.sizes()
        XCTAssertEqual(sizes, QueueSizes(ready: 0, delayed: 0, reserved: 4))
    }

    func testPopCountOfZeroStillTakesOne() async throws {
        let (queue, _) = makeQueue()
        try await queue.bulk([try payload(1), try payload(2)])
        let result = try await queue.pop(count: 0)
        XCTAssertEqual(result.jobs.count, 1, "as RedisQueue: max(1, count)")
    }

    func testAStringAttemptsIsCoercedAsLuaDoes() async throws {
        let (queue, _) = makeQueue()
        queue.appendUnchecked(Array(#"{"uuid":"s","attempts":" 4","x":[]}"#.utf8))
        let job = try await popOne(queue)
        XCTAssertEqual(Payload.attempts(of: job.reserved), 5)
        XCTAssertEqual(job.attempts, 5)
    }

    func testElementsThePopScriptWouldLoseAreQuarantinedWithTheirToken() async throws {
        let (queue, _) = makeQueue()
        let bad: [[UInt8]] = [
            Array("not json".utf8), Array("[1,2]".utf8), Array("{}".utf8), Array(#"{"attempts":"x"}"#.utf8),
            Array(#"{"attempts":true}"#.utf8), Array(#"{"attempts":1e400}"#.utf8), Array(#"{"attempts":null}"#.utf8),
        ]
        let good = try payload()
        for element in bad { queue.appendUnchecked(element) }
        try await queue.push(good)
        try await queue.push(good, queue: "filler")  // tokens are per queue
        XCTAssertEqual(queue.notifyTokens(), 1)

        let result = try await queue.pop(count: 20)
        XCTAssertEqual(result.quarantined.map(\.bytes), bad)
        XCTAssertEqual(result.quarantined.map(\.queue), Array(repeating: "default", count: bad.count))
        XCTAssertTrue(result.quarantined.allSatisfy { $0.reason == QuarantinedElement.notAJob })
        XCTAssertEqual(result.jobs.map(\.rawBody), [good.rawBytes], "the job behind them still comes")
        XCTAssertTrue(result.undecodable.isEmpty)
        XCTAssertEqual(queue.notifyTokens(), 0)
        let listed = try await queue.quarantined()
        XCTAssertEqual(listed.map(\.bytes), bad)
        XCTAssertEqual(queue.reserved().count, 1)

        try await queue.removeQuarantined(listed[0])
        let left = try await queue.quarantined()
        XCTAssertEqual(left.map(\.bytes), Array(bad.dropFirst()))
    }

    func testRemoveQuarantinedTakesOneCopyOnly() async throws {
        let (queue, _) = makeQueue()
        queue.appendToQuarantine(Array("x".utf8))
        queue.appendToQuarantine(Array("x".utf8))
        let elements = try await queue.quarantined()
        try await queue.removeQuarantined(elements[0])
        let left = try await queue.quarantined()
        XCTAssertEqual(left.count, 1, "LREM count 1")
    }

    // MARK: Delete, release, hand back, renew

    func testDeleteRemovesTheExactReservedBytes() async throws {
        let (queue, _) = makeQueue()
        try await queue.bulk(try (1...3).map(payload))
        let jobs = try await queue.pop(count: 3).jobs
        try await queue.delete(jobs[1])
        XCTAssertEqual(Set(queue.reserved().map(\.member)), [jobs[0].reserved, jobs[2].reserved], "equal scores: ordered by bytes")
        let stranger = RedisJob(connectionName: "redis", queue: "default", rawBody: jobs[0].rawBody,
                                reserved: jobs[0].rawBody, payload: jobs[0].payload)
        try await queue.delete(stranger)
        XCTAssertEqual(queue.reserved().count, 2, "the original bytes are not the reservation")
        try await queue.delete([jobs[0], jobs[2]])
        let sizes = try await queue.sizes()
        XCTAssertEqual(sizes.total, 0)
    }

    func testReleaseMovesTheReservedBytesToDelayedAtNowPlusDelay() async throws {
        let (queue, clock) = makeQueue()
        try await queue.bulk(try (1...3).map(payload))
        let jobs = try await queue.pop(count: 3).jobs
        clock.advance(3)
        try await queue.release(jobs[0], delay: 20)
        try await queue.release(jobs[1], delay: -4)
        try await queue.release(jobs[2], delay: 10)
        XCTAssertTrue(queue.reserved().isEmpty)
        XCTAssertEqual(queue.delayed().map(\.member), [jobs[1].reserved, jobs[2].reserved, jobs[0].reserved],
                       "unchanged bytes: attempts stay spent")
        XCTAssertEqual(queue.delayed().map(\.score), [start + 3, start + 13, start + 23])
        XCTAssertEqual(queue.notifyTokens(), 0)
    }

    func testReleaseOfAReservationAlreadyGoneStillAddsToDelayed() async throws {
        let (queue, _) = makeQueue()
        try await queue.push(try payload())
        let job = try await popOne(queue)
        try await queue.delete(job)
        try await queue.release(job, delay: 5)
        XCTAssertEqual(queue.delayed().map(\.member), [job.reserved], "ZREM then ZADD, unconditionally, as the release script")
    }

    func testHandBackPutsTheOriginalBytesBackAtTheHeadOfItsQueue() async throws {
        let (queue, _) = makeQueue()
        let a = try payload(1), b = try payload(2)
        try await queue.bulk([a, b])
        let job = try await popOne(queue)
        XCTAssertEqual(queue.notifyTokens(), 1)
        let handed = try await queue.handBack(job)
        XCTAssertTrue(handed)
        XCTAssertEqual(queue.ready(), [a.rawBytes, b.rawBytes], "original bytes, attempts unspent, its place kept")
        XCTAssertTrue(queue.reserved().isEmpty)
        XCTAssertEqual(queue.notifyTokens(), 2, "a token so a blocked PHP worker wakes")
    }

    func testHandBackToAQueueAppendsThereAndFailsWhenTheReservationIsGone() async throws {
        let (queue, _) = makeQueue()
        let a = try payload(1), c = try payload(3)
        try await queue.push(a)
        try await queue.push(c, queue: "php")
        let job = try await popOne(queue)
        let handed = try await queue.handBack(job, to: "php")
        XCTAssertTrue(handed)
        XCTAssertEqual(queue.ready(queue: "php"), [c.rawBytes, a.rawBytes], "to the tail of the target")
        XCTAssertEqual(queue.notifyTokens(queue: "php"), 2)
        XCTAssertTrue(queue.ready().isEmpty)

        let again = try await queue.handBack(job)
        XCTAssertFalse(again, "the reservation was gone")
        XCTAssertTrue(queue.ready().isEmpty)
        XCTAssertEqual(queue.notifyTokens(), 0)
    }

    func testRenewMovesTheExpiryOnlyWhileReserved() async throws {
        let (queue, clock) = makeQueue(retryAfter: 45)
        try await queue.push(try payload())
        let job = try await popOne(queue)
        clock.advance(20)
        let renewed = try await queue.renewReservation(job)
        XCTAssertTrue(renewed)
        XCTAssertEqual(queue.reserved().map(\.score), [start + 65])
        try await queue.delete(job)
        let gone = try await queue.renewReservation(job)
        XCTAssertFalse(gone)
        XCTAssertTrue(queue.reserved().isEmpty, "not added back")
    }

    // MARK: Migration

    func testMigrationMovesDueDelayedThenExpiredReservationsInScoreOrder() async throws {
        let (queue, clock) = makeQueue(retryAfter: 10)
        let p = try (1...5).map(payload)
        try await queue.bulk([p[0], p[1]])
        let reserved = try await queue.pop(count: 2).jobs        // expire at start + 10
        try await queue.later(p[2], availableAt: start + 8)
        try await queue.later(p[3], availableAt: start + 2)
        try await queue.later(p[4], availableAt: start + 11)       // not due yet
        clock.advance(10)

        let moved = try await queue.migrateJobs()
        let expired = reserved.map(\.reserved).sorted { $0.lexicographicallyPrecedes($1) }  // equal scores: Redis orders by bytes
        XCTAssertEqual(moved, [p[3].rawBytes, p[2].rawBytes] + expired)
        XCTAssertEqual(queue.ready(), moved, "to the tail, in that order")
        XCTAssertEqual(queue.notifyTokens(), 4, "a token per moved job")
        XCTAssertEqual(queue.delayed().map(\.member), [p[4].rawBytes])
        XCTAssertTrue(queue.reserved().isEmpty)
        let nothing = try await queue.migrateJobs()
        XCTAssertTrue(nothing.isEmpty)
    }

    func testMigrationBatchSizeLimitsEachSet() async throws {
        let (queue, clock) = makeQueue(retryAfter: 1, migrationBatchSize: 1)
        try await queue.bulk([try payload(1), try payload(2)])
        _ = try await queue.pop(count: 2)
        for v in 3...5 { try await queue.later(try payload(v), availableAt: start) }
        clock.advance(1)
        let first = try await queue.migrateJobs()
        XCTAssertEqual(first.count, 2, "one delayed and one reserved")
        let sizes = try await queue.sizes()
        XCTAssertEqual(sizes, QueueSizes(ready: 2, delayed: 2, reserved: 1))

        let (none, _) = makeQueue(migrationBatchSize: 0)
        try await none.later(try payload(), availableAt: start)
        let zero = try await none.migrateJobs()
        XCTAssertTrue(zero.isEmpty, "LIMIT 0 0 takes nothing")
    }

    func testAReleasedJobComesBackWithItsReservedCopyAndCountsOn() async throws {
        let (queue, _) = makeQueue()
        try await queue.push(try payload())
        let first = try await popOne(queue)
        try await queue.release(first, delay: 0)
        _ = try await queue.migrateJobs()
        let second = try await popOne(queue)
        XCTAssertEqual(second.rawBody, first.reserved)
        XCTAssertEqual(second.attempts, 2)
        XCTAssertEqual(Payload.attempts(of: second.reserved), 2)
    }

    // MARK: Waiting for a notification

    func testWaitTakesAWaitingTokenAtOnce() async throws {
        let (queue, _) = makeQueue()
        try await queue.push(try payload())
        let woke = try await queue.waitForNotification(timeout: 5)
        XCTAssertTrue(woke)
        XCTAssertEqual(queue.notifyTokens(), 0, "BLPOP consumed it")
        XCTAssertEqual(queue.ready().count, 1, "the job stays for a pop")
    }

    func testWaitTimesOutWithoutAToken() async throws {
        let (queue, _) = makeQueue()
        try await queue.push(try payload(), queue: "other")
        let started = ContinuousClock.now
        let woke = try await queue.waitForNotification(timeout: 0.2)
        XCTAssertFalse(woke)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - started, .milliseconds(200))
        XCTAssertEqual(queue.notifyTokens(queue: "other"), 1)
    }

    func testAPushWakesTheLongestWaiterAndTheTokenIsTaken() async throws {
        let (queue, _) = makeQueue()
        let first = Task { try await queue.waitForNotification(timeout: 0) }  // 0: for ever, as BLPOP 0
        try await Task.sleep(for: .milliseconds(100))
        let second = Task { try await queue.waitForNotification(timeout: 10) }
        try await Task.sleep(for: .milliseconds(100))
        try await queue.push(try payload())
        let firstWoke = try await first.value
        XCTAssertTrue(firstWoke)
        XCTAssertEqual(queue.notifyTokens(), 0, "handed to the waiter, not left on the list")
        try await queue.handBack(try await popOne(queue))
        let secondWoke = try await second.value
        XCTAssertTrue(secondWoke, "the hand-back's token")
    }

    func testMigrationWakesAWaiter() async throws {
        let (queue, clock) = makeQueue()
        try await queue.later(try payload(), delay: 5)
        let waiter = Task { try await queue.waitForNotification(timeout: 10) }
        try await Task.sleep(for: .milliseconds(50))
        clock.advance(5)
        _ = try await queue.migrateJobs()
        let woke = try await waiter.value
        XCTAssertTrue(woke)
    }

    func testCancellingAWaitEndsItAtOnce() async throws {
        let (queue, _) = makeQueue()
        let waiter = Task { try await queue.waitForNotification(timeout: 0) }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        do {
            _ = try await waiter.value
            XCTFail("a cancelled wait returned")
        } catch is CancellationError {}
        try await queue.push(try payload())
        XCTAssertEqual(queue.notifyTokens(), 1, "a cancelled waiter takes no token")

        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await queue.waitForNotification(queue: "empty", timeout: 0)
        }
        do {
            _ = try await early.value
            XCTFail("a wait cancelled before it began returned")
        } catch is CancellationError {}
    }
}
