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

/// The rows a Horizon producer writes around a push (spec §8.3, PR #1682's order): the pending row before the
/// queue write, the monitored-tag entries after it.
final class HorizonDispatchRecordsTests: XCTestCase {
    private var bed: HorizonTestBed!

    override func setUp() async throws { bed = try await HorizonTestBed.make() }
    override func tearDown() async throws { await bed.cleanup() }

    private func dispatcher() -> Dispatcher {
        let clock = bed.clock
        return Dispatcher(hook: HorizonProducer(redis: bed.horizonRedis, logger: WorkerTestBed.logger, now: { clock.now }))
    }

    private func probe(queue: String = "hz", delay: Int? = nil, count: Int = 1, tags: [String]? = nil) -> PendingJob {
        var job = ProbeDispatch(record: "runs").pendingJob(queue: queue, delay: delay, count: count, version: .v12)
        job.tags = tags
        return job
    }

    private func score(_ text: String?) -> Double? { text.flatMap(Double.init) }

    func testPendingRowHoldsThePushedBytes() async throws {
        let pushed = try await dispatcher().dispatch(probe(), on: bed.scratch.queue())
        let job = try XCTUnwrap(pushed.first)
        XCTAssertEqual(job.id, job.uuid)
        let listed = try await bed.scratch.list("queues:hz")
        XCTAssertEqual(listed, [job.payload.rawBytes])

        let t = bed.clock.timestamp
        let hash = try await bed.hash(job.uuid)
        XCTAssertEqual(hash, ["id": job.uuid, "connection": "redis", "queue": "hz", "name": ProbeJob.phpClass, "status": "pending",
                              "payload": job.payload.rawText, "created_at": t.text, "updated_at": t.text])
        let payload = try await bed.hashBytes(job.uuid, "payload")
        XCTAssertEqual(payload, listed.first, "byte for byte")
        let recent = try await bed.zset("recent_jobs"), pending = try await bed.zset("pending_jobs")
        XCTAssertEqual(score(recent[job.uuid]), -bed.clock.now)
        XCTAssertEqual(score(pending[job.uuid]), -bed.clock.now)
        let expiry = try await bed.expireTime(job.uuid)
        XCTAssertEqual(expiry, Int(bed.clock.now) + 60 * 60)
        XCTAssertEqual(job.payload.horizonType, "job")
        XCTAssertEqual(job.payload.tags, [])
        XCTAssertEqual(job.payload.silenced, false)
    }

    /// A push that fails (the queue key holds a string) leaves the pending row, which was written first, and
    /// no monitored-tag entry, which comes after the push.
    func testPendingRowIsWrittenBeforeThePushAndTagsAfterIt() async throws {
        _ = try await bed.raw.send(RedisCommand("SET", [.value(bed.scratch.prefix + "queues:hz"), .value("not a list")]))
        _ = try await bed.raw.send(RedisCommand("SADD", [.value(bed.horizonPrefix + "monitoring"), .value("watched")]))
        let identity = PayloadIdentity.random()
        let clock = bed.clock
        let fixed = Dispatcher(hook: HorizonProducer(redis: bed.horizonRedis, logger: WorkerTestBed.logger, now: { clock.now }),
                               identity: { identity })
        do {
            try await fixed.dispatch(probe(tags: ["watched"]), on: bed.scratch.queue())
            XCTFail("the push should fail on a string key")
        } catch {
            XCTAssertTrue("\(error)".contains("WRONGTYPE"), "\(error)")
        }
        let hash = try await bed.hash(identity.uuid)
        XCTAssertEqual(hash["status"], "pending")
        XCTAssertEqual(hash["id"], identity.uuid)
        let keys = try await bed.horizonKeys()
        XCTAssertFalse(keys.contains("watched"), "\(keys)")
    }

    func testMonitoredTagsGetTheJobAfterThePush() async throws {
        _ = try await bed.raw.send(RedisCommand("SADD", [.value(bed.horizonPrefix + "monitoring"), .value("watched"), .value("elsewhere")]))
        let pushed = try await dispatcher().dispatch(probe(count: 2, tags: ["quiet", "watched"]), on: bed.scratch.queue())
        XCTAssertEqual(pushed.count, 2)
        let watched = try await bed.zset("watched")
        XCTAssertEqual(Set(watched.keys), Set(pushed.map(\.uuid)))
        for job in pushed { XCTAssertEqual(score(watched[job.uuid]), bed.clock.now, "positive T") }
        let keys = try await bed.horizonKeys()
        XCTAssertFalse(keys.contains("quiet"))
        XCTAssertFalse(keys.contains("elsewhere"))

        // Model tags count as tags too.
        _ = try await bed.raw.send(RedisCommand("SADD", [.value(bed.horizonPrefix + "monitoring"), .value("App\\Models\\Integration:9")]))
        let model = try PendingJob(className: "App\\Jobs\\Sync", propertiesJSON: #"{"*integration":{"@model":"App\\Models\\Integration","id":9}}"#,
                                   queue: "hz", version: .v12)
        let tagged = try await dispatcher().dispatch(model, on: bed.scratch.queue())
        let byModel = try await bed.zset("App\\Models\\Integration:9")
        XCTAssertEqual(Array(byModel.keys), tagged.map(\.uuid))
    }

    func testBulkAndDelayedPushesGetOneRowPerJob() async throws {
        let queue = bed.scratch.queue()
        let bulk = try await dispatcher().dispatch(probe(count: 3), on: queue)
        let listed = try await bed.scratch.list("queues:hz")
        XCTAssertEqual(listed, bulk.map(\.payload.rawBytes))
        let delayed = try await dispatcher().dispatch(probe(delay: 60), on: queue)
        let zset = try await bed.scratch.zset("queues:hz:delayed")
        XCTAssertEqual(zset.map(\.member), delayed.map(\.payload.rawBytes))
        XCTAssertEqual(delayed.first?.payload.json["delay"], .null, "Horizon v5.33.5's later()")

        let pending = try await bed.zset("pending_jobs")
        XCTAssertEqual(Set(pending.keys), Set((bulk + delayed).map(\.uuid)))
        for job in bulk + delayed {
            let payload = try await bed.hashBytes(job.uuid, "payload")
            XCTAssertEqual(payload, job.payload.rawBytes)
        }
    }

    func testWithoutHorizonNothingIsWrittenUnderHorizonsPrefix() async throws {
        let pushed = try await Dispatcher().dispatch(probe(tags: ["ignored"]), on: bed.scratch.queue())
        let job = try XCTUnwrap(pushed.first)
        XCTAssertNotEqual(job.id, job.uuid)
        XCTAssertNil(job.payload.tags)
        let keys = try await bed.horizonKeys()
        XCTAssertEqual(keys, [])
    }
}
