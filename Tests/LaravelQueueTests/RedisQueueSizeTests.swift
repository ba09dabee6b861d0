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

/// size / sizes / clear / peek (spec §2.6, §2.7, §3.8, §10 #23), checked against Laravel 8's own `size` and
/// `clear` on the same keys.
final class RedisQueueSizeTests: XCTestCase {
    private var scratch: RedisQueueScratch!

    override func setUp() async throws { scratch = try await RedisQueueScratch.make() }
    override func tearDown() async throws { await scratch.cleanup() }

    /// 3 ready (one of them popped → reserved), 2 delayed, one stray notify token.
    private func fill(_ queue: RedisQueue, _ name: String) async throws -> [[UInt8]] {
        let ready = try (0..<4).map { _ in try ProbePayload.bytes() }
        try await queue.bulk(ready, queue: name)
        _ = try await queue.pop(queue: name)
        try await queue.laterRaw(try ProbePayload.bytes(), delay: 100, queue: name)
        try await queue.laterRaw(try ProbePayload.bytes(), delay: 200, queue: name)
        return Array(ready.dropFirst())
    }

    private func php(_ call: String, queue: String) throws -> Int {
        var environment = try scratch.phpEnvironment()
        environment["SHUTTLE_BOOTSTRAP"] = RedisQueueScratch.bootstrap
        environment["SHUTTLE_QUEUE"] = queue
        let code = "$app = require getenv('SHUTTLE_BOOTSTRAP'); echo $app['queue']->connection('redis')->\(call)(getenv('SHUTTLE_QUEUE'));"
        return try XCTUnwrap(Int(ProcessRunner.phpCode(code, environment: environment).stdoutText))
    }

    func testSizeCountsReadyDelayedAndReservedLikeLaravel() async throws {
        let queue = scratch.queue()
        let ready = try await fill(queue, "sized")
        let v1 = try await queue.sizes(queue: "sized")
        XCTAssertEqual(v1, QueueSizes(ready: 3, delayed: 2, reserved: 1))
        let v2 = try await queue.sizes(queue: "sized").total
        XCTAssertEqual(v2, 6)
        let v3 = try await queue.size(queue: "sized")
        XCTAssertEqual(v3, 6)
        XCTAssertEqual(try php("size", queue: "sized"), 6)
        let v4 = try await queue.peek(queue: "sized")
        XCTAssertEqual(v4, ready[0])
        let v5 = try await queue.peek(queue: "sized", index: 2)
        XCTAssertEqual(v5, ready[2])
        let v6 = try await queue.peek(queue: "sized", index: 3)
        XCTAssertNil(v6)
        let v7 = try await queue.size(queue: "empty")
        XCTAssertEqual(v7, 0)
        let v8 = try await queue.sizes(queue: "empty")
        XCTAssertEqual(v8, QueueSizes(ready: 0, delayed: 0, reserved: 0))
    }

    func testClearDeletesTheFourKeysAndReturnsTheSize() async throws {
        let queue = scratch.queue()
        _ = try await fill(queue, "mine")
        _ = try await fill(queue, "theirs")
        try await scratch.rpushRaw("queues:mine:shuttle-quarantine", [Array("x".utf8)])
        let v9 = try await queue.clear(queue: "mine")
        XCTAssertEqual(v9, 6)
        XCTAssertEqual(try php("clear", queue: "theirs"), 6, "Laravel's clear on an identical queue")
        for name in ["mine", "theirs"] {
            for suffix in ["", ":delayed", ":reserved", ":notify"] {
                let exists = try await scratch.raw.send(.exists(scratch.prefix + "queues:\(name)\(suffix)")).int
                XCTAssertEqual(exists, 0, "queues:\(name)\(suffix)")
            }
        }
        let v10 = try await scratch.llen("queues:mine:shuttle-quarantine")
        XCTAssertEqual(v10, 1, "not Laravel's key: left alone")
        let v11 = try await queue.clear(queue: "mine")
        XCTAssertEqual(v11, 0)
    }
}
