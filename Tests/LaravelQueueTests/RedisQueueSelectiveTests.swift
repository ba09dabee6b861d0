import Foundation
@testable import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import PHPSerialization
import Redis
import TestSupport
import XCTest

/// Selective reservation (`popSelected`) and router mode (`route`) on a real Redis: Shuttle takes only its own
/// jobs, each exactly as Laravel's pop would, and PHP's jobs keep their bytes, their order and their tokens.
final class RedisQueueSelectiveTests: XCTestCase {
    private var scratch: RedisQueueScratch!

    override func setUp() async throws { scratch = try await RedisQueueScratch.make() }
    override func tearDown() async throws { await scratch.cleanup() }

    private let mine = "App\\Jobs\\TestJob"
    private let theirs = "App\\Jobs\\PhpOnly"
    private var classes: [String] { [JobRegistry.normalize(mine)] }

    private func payload(_ phpClass: String, _ value: Int) throws -> [UInt8] {
        try WorkerTestBed.payload(phpClass, value: value).rawBytes
    }

    private func fill(_ queue: String, _ elements: [[UInt8]]) async throws {
        try await scratch.rpushRaw("queues:\(queue)", elements)
        try await scratch.rpushRaw("queues:\(queue):notify", elements.map { _ in Array("1".utf8) })
    }

    // MARK: Selective reservation

    func testTakesOnlyRegisteredClassesAndLeavesTheRestInOrder() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(clock: clock)
        let php = try (1...3).map { try payload(theirs, $0) }
        let ours = try (1...2).map { try payload(mine, $0) }
        try await fill("shared", [php[0], ours[0], php[1], ours[1], php[2]])

        let result = try await queue.popSelected(queue: "shared", count: 10, classes: classes, window: 256)
        XCTAssertEqual(result.jobs.map(\.rawBody), ours)
        XCTAssertEqual(result.jobs.map(\.attempts), [1, 1])
        XCTAssertEqual(result.passedOver, 3)
        let left = try await scratch.list("queues:shared")
        XCTAssertEqual(left, php, "PHP's jobs: same bytes, same order")
        let reserved = try await scratch.zset("queues:shared:reserved")
        XCTAssertEqual(Set(reserved.map(\.member)), Set(result.jobs.map(\.reserved)))
        XCTAssertEqual(reserved.map(\.score), [1_800_000_090, 1_800_000_090])
        let tokens = try await scratch.llen("queues:shared:notify")
        XCTAssertEqual(tokens, 3, "one token per job taken, PHP's stay")
    }

    /// A PHP job at the head is read, never popped and pushed back: inside the script that would be invisible to
    /// other clients, but replicas, the AOF and MONITOR would see PHP's job move.
    func testAPHPJobAtTheHeadIsNeverPoppedOrPushedBack() async throws {
        let queue = scratch.queue()
        let php = try payload(theirs, 1), ours = try payload(mine, 1)
        try await fill("head", [php, ours, php])
        _ = try await scratch.raw.send(RedisCommand("CONFIG", [.value("RESETSTAT")]))
        let result = try await queue.popSelected(queue: "head", count: 10, classes: classes, window: 256)
        XCTAssertEqual(result.jobs.map(\.rawBody), [ours])
        let stats = try await scratch.raw.send(.info("commandstats")).string ?? ""
        XCTAssertFalse(stats.contains("cmdstat_lpush:"), stats)
        XCTAssertFalse(stats.contains("cmdstat_rpush:"), stats)
        let left = try await scratch.list("queues:head")
        XCTAssertEqual(left, [php, php])
    }

    /// With only Shuttle's jobs, N selective takes leave Redis exactly as N of Laravel's pops (the plain `pop`,
    /// itself checked byte for byte against Laravel's in RedisQueuePopTests).
    func testEachTakeHasTheEffectsOfLaravelsPop() async throws {
        let clock = TestClock(1_800_000_000)
        let queue = scratch.queue(clock: clock)
        let jobs = try (1...5).map { try payload(mine, $0) }
        try await fill("a", jobs)
        try await fill("b", jobs)
        let plain = try await queue.pop(queue: "a", count: 3)
        let selective = try await queue.popSelected(queue: "b", count: 3, classes: classes, window: 256)
        XCTAssertEqual(selective.jobs.map(\.reserved), plain.jobs.map(\.reserved))
        XCTAssertEqual(selective.jobs.map(\.rawBody), plain.jobs.map(\.rawBody))
        for suffix in ["", ":notify"] {
            let a = try await scratch.list("queues:a\(suffix)"), b = try await scratch.list("queues:b\(suffix)")
            XCTAssertEqual(a, b, suffix)
        }
        let a = try await scratch.zset("queues:a:reserved"), b = try await scratch.zset("queues:b:reserved")
        XCTAssertEqual(a.map(\.member), b.map(\.member))
        XCTAssertEqual(a.map(\.score), b.map(\.score))
    }

    /// The class is matched in every shape a payload reaches Redis in: each Laravel major's push, cjson's
    /// re-encoding after a release or migration (other key order, `\/`), and the app's Horizon payloads.
    func testMatchesEveryPayloadShape() async throws {
        let queue = scratch.queue()
        var shapes: [(String, [UInt8])] = []
        for major in ["laravel8", "laravel9", "laravel10", "laravel11", "laravel12", "laravel13"] {
            for name in ["plain", "plain.reserved", "chain", "chain.reserved", "unique.reserved", "model-relations", "encrypted"] {
                guard let bytes = try? TestEnvironment.fixture("\(major)/\(name).json") else { continue }
                shapes.append(("\(major)/\(name)", bytes))
            }
        }
        for name in ["monzo-transaction-data", "monzo-transaction-pull", "apple-health-webhook-hook", "check-integration-updates"] {
            shapes.append(("queue/\(name)", try TestEnvironment.fixture("queue/\(name).payload.json")))
        }
        XCTAssertGreaterThan(shapes.count, 30)
        let decoy = try payload(theirs, 9)
        for (n, (name, bytes)) in shapes.enumerated() {
            let decoded = try Payload(bytes: bytes)
            let phpClass = try XCTUnwrap(decoded.commandName ?? decoded.job, name)
            try await fill("s\(n)", [decoy, bytes, decoy])
            let other = try await queue.popSelected(queue: "s\(n)", count: 5, classes: ["app\\jobs\\someoneelse"], window: 10)
            XCTAssertTrue(other.jobs.isEmpty, name)
            let taken = try await queue.popSelected(queue: "s\(n)", count: 5, classes: [JobRegistry.normalize(phpClass)], window: 10)
            XCTAssertEqual(taken.jobs.map(\.rawBody), [bytes], "\(name): \(phpClass)")
            let left = try await scratch.list("queues:s\(n)")
            XCTAssertEqual(left, [decoy, decoy], name)
        }
    }

    /// Text that looks like the key inside a string (a property's value) is not the key: quotes in a JSON string
    /// are escaped. A second `commandName` key elsewhere sends the match through cjson, which reads `data`'s.
    func testOnlyTheDataCommandNameKeyDecides() async throws {
        let queue = scratch.queue()
        let tricky = try PayloadBuilder(version: .v12).build(
            JobClass(theirs, properties: [JobProperty("note", .public, .string(Array(#"{"commandName":"App\Jobs\TestJob"}"#.utf8)))]),
            shape: .native, options: JobOptions(), delay: nil).rawBytes
        XCTAssertTrue(String(decoding: tricky, as: UTF8.self).contains(#"\"commandName\":\""#), "the decoy text is in the payload")
        let hooked = try WorkerTestBed.payload(mine, value: 1).rewritten { $0["commandName"] = .string(Array(theirs.utf8)) }.rawBytes
        let hookedTheirs = try WorkerTestBed.payload(theirs, value: 2).rewritten { $0["commandName"] = .string(Array(mine.utf8)) }.rawBytes
        try await fill("t", [tricky, hooked, hookedTheirs])
        let taken = try await queue.popSelected(queue: "t", count: 5, classes: classes, window: 10)
        XCTAssertEqual(taken.jobs.map(\.rawBody), [hooked])
        let left = try await scratch.list("queues:t")
        XCTAssertEqual(left, [tricky, hookedTheirs])
    }

    func testClassesMatchWhateverTheirCaseOrLeadingBackslash() async throws {
        let queue = scratch.queue()
        let shouting = try payload("\\APP\\Jobs\\TESTJOB", 1)
        try await fill("c", [shouting])
        let taken = try await queue.popSelected(queue: "c", count: 1, classes: classes, window: 10)
        XCTAssertEqual(taken.jobs.count, 1)
    }

    func testTheWindowBoundsTheScan() async throws {
        let queue = scratch.queue()
        let php = try (1...3).map { try payload(theirs, $0) }
        let ours = try payload(mine, 1)
        try await fill("w", php + [ours])
        let shallow = try await queue.popSelected(queue: "w", count: 1, classes: classes, window: 3)
        XCTAssertTrue(shallow.jobs.isEmpty)
        XCTAssertEqual(shallow.passedOver, 3)
        let deep = try await queue.popSelected(queue: "w", count: 1, classes: classes, window: 4)
        XCTAssertEqual(deep.jobs.map(\.rawBody), [ours])
    }

    /// Not JSON, or Shuttle's class without a numeric attempts: Laravel's pop would lose it, so it is quarantined.
    /// PHP's own unreservable job is PHP's business and stays.
    func testWhatLaravelsPopWouldLoseIsQuarantinedUnlessItIsPHPs() async throws {
        let queue = scratch.queue()
        let garbage = Array("not json".utf8)
        let oursBroken = Array(#"{"uuid":"u1","job":"App\\Jobs\\TestJob"}"#.utf8)
        let theirsBroken = Array(#"{"uuid":"u2","job":"App\\Jobs\\PhpOnly"}"#.utf8)
        try await fill("q", [garbage, theirsBroken, oursBroken])
        let result = try await queue.popSelected(queue: "q", count: 5, classes: classes, window: 10)
        XCTAssertTrue(result.jobs.isEmpty)
        XCTAssertEqual(result.quarantined.map(\.bytes), [garbage, oursBroken])
        let left = try await scratch.list("queues:q"), quarantine = try await scratch.list("queues:q:shuttle-quarantine")
        XCTAssertEqual(left, [theirsBroken])
        XCTAssertEqual(quarantine, [garbage, oursBroken])
    }

    // MARK: Router mode

    func testRouterForwardsForeignJobsInOrderByteForByte() async throws {
        let queue = scratch.queue()
        let php = try (1...3).map { try payload(theirs, $0) }
        let ours = try payload(mine, 1)
        try await fill("src", [php[0], ours, php[1], php[2]])
        let result = try await queue.route(queue: "src", slots: 5, batch: 256, classes: classes, to: "dst")
        XCTAssertEqual(result.jobs.map(\.rawBody), [ours])
        XCTAssertEqual(result.routed, php)
        XCTAssertEqual(result.routedTo, "dst")
        let target = try await scratch.list("queues:dst"), source = try await scratch.list("queues:src")
        XCTAssertEqual(target, php, "byte for byte, in order")
        XCTAssertTrue(source.isEmpty)
        let dstTokens = try await scratch.llen("queues:dst:notify"), srcTokens = try await scratch.llen("queues:src:notify")
        XCTAssertEqual(dstTokens, 3)
        XCTAssertEqual(srcTokens, 0)
        let reserved = try await scratch.zcard("queues:src:reserved")
        XCTAssertEqual(reserved, 1)
    }

    /// With no slot left, the next Shuttle job stops the batch and stays at the head, with what follows it.
    func testRouterStopsAtAShuttleJobItHasNoSlotFor() async throws {
        let queue = scratch.queue()
        let php = try (1...3).map { try payload(theirs, $0) }
        let ours = try (1...2).map { try payload(mine, $0) }
        try await fill("src", [php[0], ours[0], php[1], ours[1], php[2]])
        let result = try await queue.route(queue: "src", slots: 1, batch: 256, classes: classes, to: "dst")
        XCTAssertEqual(result.jobs.map(\.rawBody), [ours[0]])
        XCTAssertEqual(result.routed, [php[0], php[1]])
        XCTAssertEqual(result.consumed, 3)
        let source = try await scratch.list("queues:src")
        XCTAssertEqual(source, [ours[1], php[2]])
        let tokens = try await scratch.llen("queues:src:notify")
        XCTAssertEqual(tokens, 2)
    }

    func testRouterBatchBoundsEachCall() async throws {
        let queue = scratch.queue()
        let php = try (1...5).map { try payload(theirs, $0) }
        try await fill("src", php)
        let first = try await queue.route(queue: "src", slots: 1, batch: 2, classes: classes, to: "dst")
        XCTAssertEqual(first.routed, Array(php[0..<2]))
        let rest = try await queue.route(queue: "src", slots: 1, batch: 10, classes: classes, to: "dst")
        XCTAssertEqual(rest.routed, Array(php[2...]))
        let target = try await scratch.list("queues:dst")
        XCTAssertEqual(target, php)
    }

    func testRouterQuarantinesWhatLaravelsPopWouldLose() async throws {
        let queue = scratch.queue()
        let garbage = Array("not json".utf8)
        let theirsBroken = Array(#"{"uuid":"u2","job":"App\\Jobs\\PhpOnly"}"#.utf8)
        try await fill("src", [garbage, theirsBroken])
        let result = try await queue.route(queue: "src", slots: 1, batch: 10, classes: classes, to: "dst")
        XCTAssertEqual(result.quarantined.map(\.bytes), [garbage, theirsBroken])
        XCTAssertTrue(result.routed.isEmpty)
        let quarantine = try await scratch.list("queues:src:shuttle-quarantine")
        XCTAssertEqual(quarantine, [garbage, theirsBroken])
    }

    // MARK: The in-memory queue agrees

    func testTheInMemoryQueueAgreesWithTheScripts() async throws {
        let clock = TestClock(1_800_000_000)
        let redis = scratch.queue(clock: clock)
        let memory = InMemoryQueue(clock: { clock.now })
        let php = try (1...4).map { try payload(theirs, $0) }
        let ours = try (1...3).map { try payload(mine, $0) }
        let elements = [php[0], ours[0], php[1], Array("junk".utf8), ours[1], php[2], ours[2], php[3]]
        try await fill("sel", elements)
        try await fill("rt", elements)
        for element in elements { memory.appendUnchecked(element, queue: "sel"); memory.appendUnchecked(element, queue: "rt") }

        let a = try await redis.popSelected(queue: "sel", count: 2, classes: classes, window: 6)
        let b = try await memory.popSelected(queue: "sel", count: 2, classes: classes, window: 6)
        XCTAssertEqual(a.jobs.map(\.rawBody), b.jobs.map(\.rawBody))
        XCTAssertEqual(a.quarantined.map(\.bytes), b.quarantined.map(\.bytes))
        XCTAssertEqual(a.passedOver, b.passedOver)
        let selLeft = try await scratch.list("queues:sel")
        XCTAssertEqual(selLeft, memory.ready(queue: "sel"))

        let c = try await redis.route(queue: "rt", slots: 2, batch: 256, classes: classes, to: "dst")
        let d = try await memory.route(queue: "rt", slots: 2, batch: 256, classes: classes, to: "dst")
        XCTAssertEqual(c.jobs.map(\.rawBody), d.jobs.map(\.rawBody))
        XCTAssertEqual(c.routed, d.routed)
        XCTAssertEqual(c.quarantined.map(\.bytes), d.quarantined.map(\.bytes))
        let rtLeft = try await scratch.list("queues:rt"), dst = try await scratch.list("queues:dst")
        XCTAssertEqual(rtLeft, memory.ready(queue: "rt"))
        XCTAssertEqual(dst, memory.ready(queue: "dst"))
        let dstTokens = try await scratch.llen("queues:dst:notify")
        XCTAssertEqual(memory.notifyTokens(queue: "dst"), dstTokens)
    }
}
