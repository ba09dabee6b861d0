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

/// pop: one job's effect equals Laravel's pop script (spec §2.3), checked against Laravel 8's own
/// `RedisQueue::pop` run in PHP and against captured reserved members; multi-pop equals repeated pops;
/// elements Laravel's script would lose are quarantined.
final class RedisQueuePopTests: XCTestCase {
    private var scratch: RedisQueueScratch!

    override func setUp() async throws { scratch = try await RedisQueueScratch.make() }
    override func tearDown() async throws { await scratch.cleanup() }

    private static let fixtureCases = ["apple-health-webhook", "chain", "closure", "encrypted", "fails", "monzo-data",
                                       "monzo-pull", "noop", "release", "unique"]

    /// The reserved copy is whatever cjson makes of the payload; it must be byte for byte Laravel's.
    func testReservedBytesEqualThoseOfLaravelsOwnPopInPHP() async throws {
        let payloads: [[UInt8]] = try Self.fixtureCases.map { try TestEnvironment.fixture("laravel8/\($0).json") } + [
            try ProbePayload.bytes(record: "rec/é", tries: 3),
            Array(#"{"uuid":"u","tags":[],"data":{"a":[],"b":{}},"big":12345678901234567,"f":1.0,"s":"\/é\u00e9\u0000","attempts":"2"}"#.utf8),
        ]
        let queue = scratch.queue()
        for (n, payload) in payloads.enumerated() {
            try await scratch.rpushRaw("queues:php\(n)", [payload])
            try await scratch.rpushRaw("queues:php\(n):notify", [Array("1".utf8)])
            try await scratch.rpushRaw("queues:swift\(n)", [payload])
            try await scratch.rpushRaw("queues:swift\(n):notify", [Array("1".utf8)])

            let php = try XCTUnwrap(try scratch.phpPop(queue: "php\(n)"), "Laravel popped nothing from php\(n)")
            let swift = try await queue.pop(queue: "swift\(n)")
            let job = try XCTUnwrap(swift.jobs.first, "case \(n)")
            XCTAssertEqual(swift.jobs.count, 1)
            XCTAssertEqual(php.raw, payload)
            XCTAssertEqual(job.rawBody, payload, "case \(n): original bytes")
            XCTAssertEqual(JSONBytes.text(job.reserved), JSONBytes.text(php.reserved), "case \(n): reserved bytes")
            let v1 = try await scratch.zset("queues:swift\(n):reserved").map(\.member)
            XCTAssertEqual(v1, [php.reserved])
        }
    }

    func testReservedBytesEqualTheCapturedOnes() async throws {
        let queue = scratch.queue()
        for name in Self.fixtureCases {
            try await queue.pushRaw(try TestEnvironment.fixture("laravel8/\(name).json"), queue: name)
            let job = try await popOne(queue, name)
            XCTAssertEqual(JSONBytes.text(job.reserved), JSONBytes.text(try TestEnvironment.fixture("laravel8/\(name).reserved.json")), name)
            XCTAssertEqual(job.attempts, 1)
        }
    }

    func testPopReservesUntilNowPlusRetryAfterAndConsumesOneToken() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(retryAfter: 45, clock: clock)
        let a = try ProbePayload.bytes(), b = try ProbePayload.bytes()
        try await queue.pushRaw(a)
        try await queue.pushRaw(b)

        let result = try await queue.pop()
        let job = try XCTUnwrap(result.jobs.first)
        XCTAssertEqual(result.jobs.count, 1)
        XCTAssertEqual(job.rawBody, a, "LPOP: the head")
        XCTAssertEqual(job.queue, "default", "the plain name, not the key")
        XCTAssertEqual(job.connectionName, "redis")
        XCTAssertEqual(try JSONBytes.object(job.reserved)["attempts"] as? Int, 1)
        XCTAssertEqual(job.attempts, 1)
        let reserved = try await scratch.zset("queues:default:reserved")
        XCTAssertEqual(reserved.map(\.member), [job.reserved])
        XCTAssertEqual(reserved.map(\.score), [1_800_000_045])
        let v2 = try await scratch.list("queues:default")
        XCTAssertEqual(v2, [b])
        let v3 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v3, 1)
    }

    func testPoppingAReleasedJobCountsAttemptsOnFromTheReservedCopy() async throws {
        let queue = scratch.queue()
        try await queue.pushRaw(try ProbePayload.bytes())
        let first = try await popOne(queue)
        try await queue.release(first, delay: 0)
        try await queue.migrate()
        let second = try await popOne(queue)
        XCTAssertEqual(second.rawBody, first.reserved, "the released member is the first reservation's bytes")
        XCTAssertEqual(second.attempts, 2)
        XCTAssertEqual(try JSONBytes.object(second.reserved)["attempts"] as? Int, 2)
    }

    func testMultiPopEqualsAsManySinglePops() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(clock: clock)
        let payloads = try (0..<5).map { _ in try ProbePayload.bytes() } + [Array(#"{"attempts":"4","x":[]}"#.utf8)]
        // A string `attempts` is coerced by Lua, as in Laravel's script; pushed raw (Shuttle's writer refuses it).
        // Two stray tokens beyond the jobs: neither way may consume more than one per job.
        for name in ["multi", "single"] {
            try await scratch.rpushRaw("queues:\(name)", payloads)
            try await scratch.rpushRaw("queues:\(name):notify", Array(repeating: Array("1".utf8), count: payloads.count + 2))
        }

        let multi = try await queue.pop(queue: "multi", count: 10)
        var single: [RedisJob] = []
        while let job = try await queue.pop(queue: "single").jobs.first { single.append(job) }

        XCTAssertEqual(multi.jobs.map(\.rawBody), payloads)
        XCTAssertEqual(multi.jobs.map(\.rawBody), single.map(\.rawBody))
        XCTAssertEqual(multi.jobs.map(\.reserved), single.map(\.reserved))
        XCTAssertEqual(multi.jobs.last?.attempts, 5)
        let multiReserved = try await scratch.zset("queues:multi:reserved")
        let singleReserved = try await scratch.zset("queues:single:reserved")
        XCTAssertEqual(multiReserved.map(\.member), singleReserved.map(\.member))
        XCTAssertEqual(multiReserved.map(\.score), singleReserved.map(\.score))
        let v4 = try await scratch.llen("queues:multi:notify")
        XCTAssertEqual(v4, 2)
        let v5 = try await scratch.llen("queues:single:notify")
        XCTAssertEqual(v5, 2)
        let v6 = try await scratch.llen("queues:multi")
        XCTAssertEqual(v6, 0)
    }

    func testMultiPopTakesNoMoreThanAsked() async throws {
        let queue = scratch.queue()
        let payloads = try (0..<4).map { _ in try ProbePayload.bytes() }
        try await queue.bulk(payloads)
        let result = try await queue.pop(count: 3)
        XCTAssertEqual(result.jobs.map(\.rawBody), Array(payloads.prefix(3)))
        let v7 = try await scratch.list("queues:default")
        XCTAssertEqual(v7, [payloads[3]])
        let v8 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v8, 1)
        let v9 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v9, 3)
        let v10 = try await queue.pop(count: 0).jobs.map(\.rawBody)
        XCTAssertEqual(v10, [payloads[3]], "count < 1 pops one, as a plain pop")
    }

    func testEmptyQueuePopsNothingAndLeavesTokens() async throws {
        let queue = scratch.queue()
        let v11 = try await queue.pop().isEmpty
        XCTAssertTrue(v11)
        try await scratch.rpushRaw("queues:default:notify", [Array("1".utf8)])
        let result = try await queue.pop(count: 5)
        XCTAssertTrue(result.isEmpty)
        let v12 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v12, 1, "Laravel's empty pop consumes no token")
        let v13 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v13, 0)
    }

    /// Laravel's script LPOPs these and then fails: the element is gone (spec §2.3). Shuttle keeps them.
    func testElementsLaravelWouldLoseAreQuarantinedNeverLost() async throws {
        let queue = scratch.queue()
        let good1 = try ProbePayload.bytes(), good2 = try ProbePayload.bytes()
        let poison: [[UInt8]] = [
            Array("not json at all".utf8),
            Array(#"{"uuid":"u1","job":"X@handle"}"#.utf8),
            Array(#"{"uuid":"u2","attempts":"many"}"#.utf8),
            Array(#"[0,1]"#.utf8),
            [0xff, 0xfe, 0x00],
        ]
        try await scratch.rpushRaw("queues:default", [poison[0], good1, poison[1], poison[2], good2, poison[3], poison[4]])
        try await scratch.rpushRaw("queues:default:notify", Array(repeating: Array("1".utf8), count: 7))

        let result = try await queue.pop(count: 10)
        XCTAssertEqual(result.jobs.map(\.rawBody), [good1, good2])
        XCTAssertEqual(result.quarantined.map(\.bytes), poison)
        XCTAssertTrue(result.quarantined.allSatisfy { $0.queue == "default" && !$0.reason.isEmpty })
        let v14 = try await scratch.list("queues:default:shuttle-quarantine")
        XCTAssertEqual(v14, poison, "kept until recorded")
        let v15 = try await scratch.llen("queues:default")
        XCTAssertEqual(v15, 0)
        let v16 = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(v16, 2, "only the jobs are reserved")
        let v17 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v17, 0, "one token per element taken off the list")

        let v18 = try await queue.quarantined().map(\.bytes)
        XCTAssertEqual(v18, poison, "a restarted worker finds them")
        try await queue.removeQuarantined(result.quarantined[1])
        let v19 = try await queue.quarantined().map(\.bytes)
        XCTAssertEqual(v19, [poison[0]] + poison[2...])
        for element in result.quarantined { try await queue.removeQuarantined(element) }
        let v20 = try await scratch.llen("queues:default:shuttle-quarantine")
        XCTAssertEqual(v20, 0)
    }

    func testAQuarantinedElementDoesNotStopASinglePop() async throws {
        let queue = scratch.queue()
        try await scratch.rpushRaw("queues:default", [Array("oops".utf8)])
        let result = try await queue.pop()
        XCTAssertEqual(result.quarantined.map(\.bytes), [Array("oops".utf8)])
        XCTAssertTrue(result.jobs.isEmpty)
        XCTAssertFalse(result.isEmpty)
    }

    /// cjson decodes 1e400 as inf and then refuses to encode it: Laravel's script errors after the LPOP and the
    /// element is lost; Shuttle's must quarantine it like any other element it cannot reserve.
    func testAnElementCjsonCannotReEncodeIsQuarantinedNotLost() async throws {
        let queue = scratch.queue()
        let overflow = Array(#"{"uuid":"u","data":{"x":1e400},"attempts":0}"#.utf8)
        let good = try ProbePayload.bytes()
        try await scratch.rpushRaw("queues:default", [overflow, good])
        try await scratch.rpushRaw("queues:default:notify", [Array("1".utf8), Array("1".utf8)])
        let result = try await queue.pop(count: 2)
        XCTAssertEqual(result.quarantined.map(\.bytes), [overflow])
        XCTAssertEqual(result.jobs.map(\.rawBody), [good], "the pop goes on after it")
        let quarantine = try await scratch.list("queues:default:shuttle-quarantine")
        XCTAssertEqual(quarantine, [overflow])
        let reserved = try await scratch.zcard("queues:default:reserved")
        XCTAssertEqual(reserved, 1)
    }
}
