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

/// Producing: pushRaw, laterRaw (plain ZADD and the 12.45+ script), bulk, and the attempts gate (spec §2.1,
/// §2.2, §3.2–§3.4, §10 #3, #17).
final class RedisQueuePushTests: XCTestCase {
    private var scratch: RedisQueueScratch!

    override func setUp() async throws { scratch = try await RedisQueueScratch.make() }
    override func tearDown() async throws { await scratch.cleanup() }

    func testPushAppendsTheExactBytesAndOneNotifyToken() async throws {
        let queue = scratch.queue()
        let first = try ProbePayload.bytes(record: "é/ü")
        let second = try ProbePayload.bytes(tries: 3)
        try await queue.pushRaw(first)
        let v1 = try await scratch.list("queues:default")
        XCTAssertEqual(v1, [first])
        let v2 = try await scratch.list("queues:default:notify")
        XCTAssertEqual(v2, [Array("1".utf8)])
        try await queue.pushRaw(second, queue: "other")
        let v3 = try await scratch.list("queues:other")
        XCTAssertEqual(v3, [second])
        let v4 = try await scratch.list("queues:other:notify")
        XCTAssertEqual(v4, [Array("1".utf8)])
        try await queue.pushRaw(second)
        let v5 = try await scratch.list("queues:default")
        XCTAssertEqual(v5, [first, second], "RPUSH: to the tail")
        let v6 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v6, 2)
        let v7 = try await scratch.zcard("queues:default:delayed")
        XCTAssertEqual(v7, 0)
    }

    func testLaterWithPlainZaddPutsTheJobInDelayedAtNowPlusDelayWithoutToken() async throws {
        try await assertLater(usesScript: false)
    }

    func testLaterWithTheScriptPutsTheJobInDelayedAtNowPlusDelayWithoutToken() async throws {
        try await assertLater(usesScript: true)
    }

    private func assertLater(usesScript: Bool, file: StaticString = #filePath, line: UInt = #line) async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(laterUsesScript: usesScript, clock: clock)
        let a = try ProbePayload.bytes(delay: 30), b = try ProbePayload.bytes()
        try await queue.laterRaw(a, delay: 30)
        try await queue.laterRaw(b, availableAt: 1_800_000_007)
        try await queue.laterRaw(b, delay: -5, queue: "neg")
        let delayed = try await scratch.zset("queues:default:delayed")
        XCTAssertEqual(delayed.map(\.member), [b, a], file: file, line: line)
        XCTAssertEqual(delayed.map(\.score), [1_800_000_007, 1_800_000_030], file: file, line: line)
        let v8 = try await scratch.zset("queues:neg:delayed").map(\.score)
        XCTAssertEqual(v8, [1_800_000_000],
                       "a negative delay is now (availableAt)", file: file, line: line)
        let v9 = try await scratch.llen("queues:default")
        XCTAssertEqual(v9, 0, file: file, line: line)
        let v10 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v10, 0, "no token before migration", file: file, line: line)
    }

    func testBulkPushesEveryPayloadInOrderWithOneTokenEach() async throws {
        let queue = scratch.queue()
        let payloads = try (0..<5).map { _ in try ProbePayload.bytes() }
        try await queue.bulk(payloads, queue: "bulk")
        let v11 = try await scratch.list("queues:bulk")
        XCTAssertEqual(v11, payloads)
        let v12 = try await scratch.llen("queues:bulk:notify")
        XCTAssertEqual(v12, 5)
    }

    func testBulkRefusesTheWholeBatchWhenOnePayloadHasNoAttempts() async throws {
        let queue = scratch.queue()
        let good = try ProbePayload.bytes()
        await assertQueueThrows(try await queue.bulk([good, Array(#"{"uuid":"x"}"#.utf8)]))
        let v13 = try await scratch.llen("queues:default")
        XCTAssertEqual(v13, 0)
    }

    /// §10 #17: the pop script would lose a job without numeric `attempts`, so the writer refuses it.
    func testPayloadsWithoutNumericAttemptsAreRefused() async throws {
        let queue = scratch.queue()
        let refused: [String] = [
            #"{"uuid":"a","job":"X@handle","data":[]}"#,
            #"{"uuid":"a","attempts":"0"}"#,
            #"{"uuid":"a","attempts":null}"#,
            #"{"uuid":"a","attempts":1.5}"#,
            #"{"uuid":"a","attempts":-1}"#,
            #"["attempts",0]"#,
            "not json",
        ]
        for text in refused {
            await assertQueueThrows(try await queue.pushRaw(Array(text.utf8)), text)
            await assertQueueThrows(try await queue.laterRaw(Array(text.utf8), delay: 5), text)
        }
        let v14 = try await scratch.llen("queues:default")
        XCTAssertEqual(v14, 0)
        let v15 = try await scratch.zcard("queues:default:delayed")
        XCTAssertEqual(v15, 0)
        let v16 = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(v16, 0)
        // A numeric attempts passes, whatever else is missing.
        try await queue.pushRaw(Array(#"{"attempts":3}"#.utf8))
        let v17 = try await scratch.llen("queues:default")
        XCTAssertEqual(v17, 1)
    }

    /// Inside MULTI, EVALSHA of a script the server no longer has (SCRIPT FLUSH, failover) is queued and fails only
    /// in EXEC's reply: the pushes must not be lost silently.
    func testBulkAfterAScriptFlushStillPushesEverything() async throws {
        let queue = scratch.queue()
        try await queue.pushRaw(try ProbePayload.bytes()) // the connection now believes `push` is loaded
        _ = try await scratch.raw.send(RedisCommand("SCRIPT", ["FLUSH"]))
        let payloads = try (0..<3).map { _ in try ProbePayload.bytes() }
        try await queue.bulk(payloads)
        let list = try await scratch.list("queues:default")
        XCTAssertEqual(Array(list.dropFirst()), payloads)
        let tokens = try await scratch.llen("queues:default:notify")
        XCTAssertEqual(tokens, 4)
    }
}
