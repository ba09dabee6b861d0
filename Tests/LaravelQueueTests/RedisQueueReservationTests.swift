import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import Redis
import TestSupport
import XCTest

/// What happens to a reservation: delete and release with the exact reserved bytes (spec §2.4, §2.8, §3.6,
/// §3.7, §10 #15), Shuttle's hand-back and renewal.
final class RedisQueueReservationTests: XCTestCase {
    private var scratch: RedisQueueScratch!

    override func setUp() async throws { scratch = try await RedisQueueScratch.make() }
    override func tearDown() async throws { await scratch.cleanup() }

    /// cjson rewrites all of these, so the reserved member differs from the pushed bytes (spec §2.8).
    private static let awkward: [String] = [
        #"{"uuid":"3d1f","displayName":"Caf\u00e9 é","job":"App\/Jobs\/X@handle","data":{"list":[],"map":{}},"attempts":0}"#,
        #"{"uuid":"3d20","data":{"nul":"a\u0000b","ctl":"\u001f\t"},"attempts":0}"#,
        #"{"uuid":"3d21","big":12345678901234567,"float":1.0,"data":"\/\/"}"#.replacingOccurrences(of: "}", with: #","attempts":0}"#),
        #"{"uuid":"3d22","tags":[],"pushedAt":"1700000000.1234","data":{"command":"O:8:\"stdClass\":0:{}"},"attempts":0}"#,
    ]

    private func pushAndPop(_ queue: RedisQueue, _ texts: [String]) async throws -> [RedisJob] {
        try await queue.bulk(texts.map { Array($0.utf8) })
        let jobs = try await queue.pop(count: texts.count).jobs
        XCTAssertEqual(jobs.count, texts.count)
        return jobs
    }

    func testDeleteRemovesTheExactReservedBytes() async throws {
        let queue = scratch.queue()
        let jobs = try await pushAndPop(queue, Self.awkward)
        for job in jobs { XCTAssertNotEqual(job.reserved, job.rawBody, "cjson re-encoded \(JSONBytes.text(job.rawBody))") }
        let v1 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v1, Self.awkward.count)
        try await queue.delete(jobs[0])
        let v2 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v2, Self.awkward.count - 1)
        try await queue.delete(Array(jobs.dropFirst()))
        let v3 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v3, 0)
        let v4 = try await queue.size()
        XCTAssertEqual(v4, 0)
    }

    func testReleaseMovesTheReservedBytesToDelayedAtNowPlusDelay() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(clock: clock)
        let jobs = try await pushAndPop(queue, Self.awkward)
        clock.advance(3)
        for (n, job) in jobs.enumerated() { try await queue.release(job, delay: n * 10) }

        let v5 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v5, 0)
        let delayed = try await scratch.zset("queues:default:delayed")
        XCTAssertEqual(delayed.map(\.member), jobs.map(\.reserved), "unchanged: attempts stay incremented")
        XCTAssertEqual(delayed.map(\.score), [1_800_000_003, 1_800_000_013, 1_800_000_023, 1_800_000_033])
        let v6 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v6, 0)

        // Back through migration and a second pop: delete still finds the (re-encoded again) member.
        clock.advance(40)
        let v7 = try await queue.migrate()
        XCTAssertEqual(v7, 4)
        let again = try await queue.pop(count: 4).jobs
        XCTAssertEqual(again.map(\.rawBody), jobs.map(\.reserved))
        XCTAssertEqual(again.map(\.attempts), [2, 2, 2, 2])
        try await queue.delete(again)
        let v8 = try await queue.sizes()
        XCTAssertEqual(v8, QueueSizes(ready: 0, delayed: 0, reserved: 0))
    }

    func testReleaseWithANegativeDelayIsDueNow() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(clock: clock)
        let job = try await pushAndPop(queue, [Self.awkward[0]])[0]
        try await queue.release(job, delay: -10)
        let v9 = try await scratch.zset("queues:default:delayed").map(\.score)
        XCTAssertEqual(v9, [1_800_000_000])
    }

    func testHandBackToTheSameQueueGoesToTheHeadWithAttemptsUnspent() async throws {
        let queue = scratch.queue()
        let a = try ProbePayload.bytes(), b = try ProbePayload.bytes()
        try await queue.bulk([a, b])
        let job = try await popOne(queue)
        let v10 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v10, 1)

        let v11 = try await queue.handBack(job)
        XCTAssertTrue(v11)
        let v12 = try await scratch.list("queues:default")
        XCTAssertEqual(v12, [a, b], "the original bytes, back in front")
        let v13 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v13, 0)
        let v14 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v14, 2, "a token so a blocked PHP worker wakes")

        let again = try await popOne(queue)
        XCTAssertEqual(again.rawBody, a)
        XCTAssertEqual(again.attempts, 1, "the hand-back spent no attempt")
        let v15 = try await queue.handBack(again, to: "default")
        XCTAssertTrue(v15)
        let v16 = try await scratch.list("queues:default")
        XCTAssertEqual(v16, [b, a], "naming its own queue sends it to the tail (what the worker does, so it never stalls behind it)")
    }

    func testHandBackToAnotherQueueGoesToItsTail() async throws {
        let queue = scratch.queue()
        let a = try ProbePayload.bytes(), other = try ProbePayload.bytes()
        try await queue.pushRaw(a)
        try await queue.pushRaw(other, queue: "php")
        let job = try await popOne(queue)

        let v17 = try await queue.handBack(job, to: "php")
        XCTAssertTrue(v17)
        let v18 = try await scratch.list("queues:php")
        XCTAssertEqual(v18, [other, a])
        let v19 = try await scratch.llen("queues:php:notify")
        XCTAssertEqual(v19, 2)
        let v20 = try await scratch.llen("queues:default")
        XCTAssertEqual(v20, 0)
        let v21 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v21, 0)
        let v22 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v22, 0)
    }

    func testHandBackDoesNothingWhenTheReservationIsGone() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(retryAfter: 10, clock: clock)
        try await queue.pushRaw(try ProbePayload.bytes())
        let job = try await popOne(queue)
        clock.advance(11)
        try await queue.migrate() // another worker's migrate hands the expired job out again
        let v23 = try await scratch.list("queues:default")
        XCTAssertEqual(v23, [job.reserved])

        let v24 = try await queue.handBack(job)
        XCTAssertFalse(v24)
        let v25 = try await queue.handBack(job, to: "php")
        XCTAssertFalse(v25)
        let v26 = try await scratch.list("queues:default")
        XCTAssertEqual(v26, [job.reserved], "no duplicate")
        let v27 = try await scratch.llen("queues:php")
        XCTAssertEqual(v27, 0)
        let v28 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v28, 1, "only the migration's token")
    }

    func testRenewReservationMovesTheScoreOnlyWhileReserved() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(retryAfter: 60, clock: clock)
        try await queue.pushRaw(try ProbePayload.bytes())
        let job = try await popOne(queue)

        let v29 = try await queue.renewReservation(job)
        XCTAssertTrue(v29, "still reserved, even when the score does not change")
        clock.advance(30)
        let v30 = try await queue.renewReservation(job)
        XCTAssertTrue(v30)
        let v31 = try await scratch.zset("queues:default:reserved").map(\.score)
        XCTAssertEqual(v31, [1_800_000_090])
        let v32 = try await queue.renewReservation(job)
        XCTAssertTrue(v32, "a second renewal within the same second")
        let v33 = try await scratch.zset("queues:default:reserved").map(\.member)
        XCTAssertEqual(v33, [job.reserved])

        try await queue.delete(job)
        let v34 = try await queue.renewReservation(job)
        XCTAssertFalse(v34)
        let v35 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v35, 0, "never re-adds a finished job")
    }
}
