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

/// HorizonMiddleware writes exactly the per-job rows of spec §8.3 and the metrics of §8.4 on Horizon's
/// connection, for jobs reserved by a real pop of Horizon-shaped payloads (fixtures/queue/).
final class HorizonMiddlewareTests: XCTestCase {
    private var bed: HorizonTestBed!

    override func setUp() async throws { bed = try await HorizonTestBed.make() }
    override func tearDown() async throws { await bed.cleanup() }

    private func score(_ text: String?) -> Double? { text.flatMap(Double.init) }

    /// PHP's `(string) microtime(true)` for a 10-digit epoch: 14 significant digits = 4 decimals, trailing
    /// zeros dropped.
    private static func microtime(_ seconds: Double) -> String {
        var text = String(format: "%.4f", seconds)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    func testReservedRowTakesTheReservedBytesAndKeepsThePendingRowsOtherFields() async throws {
        let job = try await bed.pushAndPop("monzo-transaction-pull")
        let pushedAt = bed.clock.timestamp
        try await bed.writePendingRow(for: job, at: pushedAt)
        bed.clock.advance(0.5)
        let reservedAt = bed.clock.timestamp

        await bed.middleware().jobEvent(.reserved(job))

        let id = "0badc0de-0000-4000-8000-000000000002"
        XCTAssertEqual(job.payload.horizonId, id)
        XCTAssertNotEqual(job.reserved, job.rawBody, "the pop re-encoded the payload with attempts 1")
        let hash = try await bed.hash(id)
        XCTAssertEqual(hash["status"], "reserved")
        let storedPayload = try await bed.hashBytes(id, "payload")
        XCTAssertEqual(storedPayload, job.reserved)
        XCTAssertEqual(hash["updated_at"], reservedAt.text)
        XCTAssertEqual(hash["reserved_at"], reservedAt.text)
        XCTAssertEqual(hash["created_at"], pushedAt.text)
        XCTAssertEqual(hash["name"], "App\\Jobs\\OAuth\\Monzo\\MonzoTransactionPull")
        XCTAssertEqual(hash.count, 9, "pending row's 8 fields + reserved_at: \(hash.keys.sorted())")
        // PHP's microtime string: 14 significant digits, dot decimal.
        XCTAssertEqual(reservedAt.text, Self.microtime(bed.clock.now))
        let expiry = try await bed.expireTime(id)
        XCTAssertEqual(expiry, pushedAt.adding(minutes: 60), "the reserved row leaves the pending row's expiry alone")
    }

    /// Horizon's `JobsMigrated` row: an expired reservation moved back by Shuttle's migration is pending
    /// again in the dashboard, with the bytes now on the list (the reserved copy, attempts 1).
    func testMigratedReservationIsPendingAgain() async throws {
        let job = try await bed.pushAndPop("monzo-transaction-pull")
        let middleware = bed.middleware()
        await middleware.jobEvent(.reserved(job))
        let id = try XCTUnwrap(job.payload.horizonId)
        bed.clock.advance(2)

        // The reservation expires (retry_after passed): a worker's migration moves the reserved bytes back.
        let queue = bed.scratch.queue(retryAfter: 90, clock: TestClock(Int(bed.clock.now) + 1000))
        let moved = try await queue.migrateJobs(queue: "pull")
        XCTAssertEqual(moved, [job.reserved])
        await middleware.jobEvent(.migrated(queue: "pull", payloads: moved))

        let hash = try await bed.hash(id)
        XCTAssertEqual(hash["status"], "pending")
        let stored = try await bed.hashBytes(id, "payload")
        XCTAssertEqual(stored, job.reserved)
        XCTAssertEqual(hash["updated_at"], bed.clock.timestamp.text)
        XCTAssertNil(hash["delay"], "the delay field is written only when asked for (PR #1721)")
    }

    func testSuccessfulDeleteWritesTheCompletedRowAndMetrics() async throws {
        let job = try await bed.pushAndPop("check-integration-updates")
        try await bed.writePendingRow(for: job, at: bed.clock.timestamp)
        let middleware = bed.middleware()
        await middleware.jobEvent(.reserved(job))
        bed.clock.advance(0.123456)
        await middleware.jobEvent(.processed(job, runtime: 0.12))
        let deletedAt = bed.clock.timestamp
        await middleware.jobEvent(.deleted(job))

        let id = "0badc0de-0000-4000-8000-000000000001"
        let hash = try await bed.hash(id)
        XCTAssertEqual(hash["status"], "completed")
        XCTAssertEqual(hash["completed_at"], deletedAt.text)
        let pending = try await bed.zset("pending_jobs")
        XCTAssertNil(pending[id])
        let completed = try await bed.zset("completed_jobs")
        XCTAssertEqual(score(completed[id]), score(deletedAt.negatedText))
        XCTAssertEqual(deletedAt.negatedText, "-" + Self.microtime(deletedAt.seconds))
        let expiry = try await bed.expireTime(id)
        XCTAssertEqual(expiry, Int(deletedAt.seconds) + 60 * 60)

        // Metrics: runtime = ms from reserve to delete, rounded to 2 decimals.
        let queueMetrics = try await bed.hash("queue:pull")
        XCTAssertEqual(queueMetrics["throughput"], "1")
        XCTAssertEqual(score(queueMetrics["runtime"]), 123.46)
        let jobMetrics = try await bed.hash("job:App\\Jobs\\CheckIntegrationUpdates")
        XCTAssertEqual(jobMetrics, queueMetrics)
        let measuredQueues = try await bed.set("measured_queues")
        XCTAssertEqual(measuredQueues, [bed.horizonPrefix + "queue:pull"], "the member is the prefixed key")
        let measuredJobs = try await bed.set("measured_jobs")
        XCTAssertEqual(measuredJobs, [bed.horizonPrefix + "job:App\\Jobs\\CheckIntegrationUpdates"])

        // A second job of the queue: throughput 2, runtime the running mean.
        let second = try await bed.pushAndPop("apple-health-metric-data")
        await middleware.jobEvent(.reserved(second))
        bed.clock.advance(0.0625)
        await middleware.jobEvent(.deleted(second))
        let after = try await bed.hash("queue:pull")
        XCTAssertEqual(after["throughput"], "2")
        XCTAssertEqual(score(after["runtime"]), (1 * 123.46 + 62.5) / 2)
        let jobsAfter = try await bed.set("measured_jobs")
        XCTAssertEqual(jobsAfter.count, 2)

        // Nothing but §8.3/§8.4 keys (no supervisors, snapshots, monitoring, job_id…: §8.5).
        let keys = try await bed.horizonKeys()
        XCTAssertEqual(keys, [id, "0badc0de-0000-4000-8000-000000000005", "recent_jobs", "completed_jobs",
                              "queue:pull", "measured_queues", "job:App\\Jobs\\CheckIntegrationUpdates",
                              "job:App\\Jobs\\Data\\AppleHealth\\AppleHealthMetricData", "measured_jobs"])
    }

    func testRuntimeIsZeroWhenTheReserveWasNotSeen() async throws {
        let job = try await bed.pushAndPop("check-integration-updates")
        await bed.middleware().jobEvent(.deleted(job))
        let metrics = try await bed.hash("queue:pull")
        XCTAssertEqual(metrics["throughput"], "1")
        XCTAssertEqual(metrics["runtime"], "0")
    }

    func testSilencedJobIsListedAsSilenced() async throws {
        let job = try await bed.pushAndPop("check-integration-updates") {
            $0.replacingOccurrences(of: "\"silenced\":false", with: "\"silenced\":true")
        }
        XCTAssertEqual(job.payload.silenced, true)
        await bed.middleware().jobEvent(.deleted(job))
        let id = try XCTUnwrap(job.payload.horizonId)
        let silenced = try await bed.zset("silenced_jobs")
        XCTAssertNotNil(silenced[id])
        let completed = try await bed.zset("completed_jobs")
        XCTAssertTrue(completed.isEmpty)
        let hash = try await bed.hash(id)
        XCTAssertEqual(hash["status"], "completed")
    }

    func testMonitoredTagKeepsTheJobUnderMonitoredJobs() async throws {
        let tag = "App\\Models\\Integration:1ee00000-0000-4000-8000-0000000000t1"
        _ = try await bed.horizonRedis.send(.sadd("monitoring", [tag, "App\\Models\\User:1"]))
        let job = try await bed.pushAndPop("monzo-transaction-pull")
        let middleware = bed.middleware()
        await middleware.jobEvent(.reserved(job))
        bed.clock.advance(1)
        let t = bed.clock.timestamp
        await middleware.jobEvent(.deleted(job))

        let id = "0badc0de-0000-4000-8000-000000000002"
        let monitored = try await bed.zset("monitored_jobs")
        XCTAssertEqual(score(monitored[id]), -t.seconds)
        let hash = try await bed.hash(id)
        XCTAssertEqual(hash["id"], id)
        XCTAssertEqual(hash["connection"], "redis")
        XCTAssertEqual(hash["queue"], "pull")
        XCTAssertEqual(hash["name"], "App\\Jobs\\OAuth\\Monzo\\MonzoTransactionPull")
        XCTAssertEqual(hash["status"], "completed")
        XCTAssertEqual(hash["completed_at"], t.text)
        let payload = try await bed.hashBytes(id, "payload")
        XCTAssertEqual(payload, job.reserved)
        let expiry = try await bed.expireTime(id)
        XCTAssertEqual(expiry, Int(t.seconds) + 10080 * 60)
        let monitoring = try await bed.set("monitoring")
        XCTAssertEqual(monitoring.count, 2, "the monitoring set is the dashboard's, never written")

        // An unmonitored tag: no monitored row.
        let other = try await bed.pushAndPop("apple-health-metric-data")
        await middleware.jobEvent(.deleted(other))
        let after = try await bed.zset("monitored_jobs")
        XCTAssertEqual(Set(after.keys), [id])
    }

    func testReleaseMarksPendingWithTheReservedBytes() async throws {
        let job = try await bed.pushAndPop("monzo-transaction-pull")
        let id = try XCTUnwrap(job.payload.horizonId)
        try await bed.writePendingRow(for: job, at: bed.clock.timestamp)
        await bed.middleware().jobEvent(.reserved(job))
        bed.clock.advance(2)
        let t = bed.clock.timestamp
        await bed.middleware().jobEvent(.released(job, delay: 60))

        var hash = try await bed.hash(id)
        XCTAssertEqual(hash["status"], "pending")
        XCTAssertEqual(hash["updated_at"], t.text)
        XCTAssertNil(hash["delay"], "the delay field is PR #1721's, off by default")
        let payload = try await bed.hashBytes(id, "payload")
        XCTAssertEqual(payload, job.reserved)

        await bed.middleware(recordsReleaseDelay: true).jobEvent(.released(job, delay: 60))
        hash = try await bed.hash(id)
        XCTAssertEqual(hash["delay"], "60")
        let completed = try await bed.zset("completed_jobs")
        XCTAssertTrue(completed.isEmpty)
    }

    func testFailedJobGetsTheFailedRowAndFailedTagSets() async throws {
        let job = try await bed.pushAndPop("apple-health-metric-data")
        let id = "0badc0de-0000-4000-8000-000000000005"
        let tag = "App\\Models\\Integration:1ee00000-0000-4000-8000-0000000000m1"
        try await bed.writePendingRow(for: job, at: bed.clock.timestamp)
        let middleware = bed.middleware()
        await middleware.jobEvent(.reserved(job))
        bed.clock.advance(0.25)
        let t = bed.clock.timestamp
        let exception = "RuntimeException: boom in /app/Jobs/X.php:12\nStack trace:\n#0 {main}"
        await middleware.jobEvent(.failed(job, exception: exception))

        let hash = try await bed.hash(id)
        XCTAssertEqual(hash["status"], "failed")
        XCTAssertEqual(hash["exception"], exception)
        XCTAssertEqual(hash["context"], "")
        XCTAssertEqual(hash["failed_at"], t.text)
        XCTAssertEqual(hash["id"], id)
        XCTAssertEqual(hash["connection"], "redis")
        XCTAssertEqual(hash["queue"], "pull")
        XCTAssertEqual(hash["name"], "App\\Jobs\\Data\\AppleHealth\\AppleHealthMetricData")
        XCTAssertEqual(hash["completed_at"], t.text, "Horizon's delete inside the failure wrote the completed row first")
        let payload = try await bed.hashBytes(id, "payload")
        XCTAssertEqual(payload, job.reserved)
        let expiry = try await bed.expireTime(id)
        XCTAssertEqual(expiry, Int(t.seconds) + 10080 * 60)

        let failedJobs = try await bed.zset("failed_jobs")
        XCTAssertEqual(score(failedJobs[id]), -t.seconds)
        let recentFailed = try await bed.zset("recent_failed_jobs")
        XCTAssertEqual(score(recentFailed[id]), -t.seconds)
        for key in ["pending_jobs", "completed_jobs", "silenced_jobs"] {
            let members = try await bed.zset(key)
            XCTAssertNil(members[id], key)
        }
        let tagged = try await bed.zset("failed:" + tag)
        XCTAssertEqual(score(tagged[id]), t.seconds, "failed:<tag> is scored by +T")
        let ttl = try await bed.ttl("failed:" + tag)
        XCTAssertTrue((10080 * 60 - 5...10080 * 60).contains(ttl), "TTL \(ttl)")
        let measured = try await bed.set("measured_queues")
        XCTAssertTrue(measured.isEmpty, "no metrics for failed jobs")
        let keys = try await bed.horizonKeys()
        XCTAssertFalse(keys.contains("queue:pull"))
    }

    func testRetryUpdatesItsEntryInTheParentsRetriedBy() async throws {
        let parent = "0badc0de-0000-4000-8000-0000000000aa"
        for (event, status) in [("deleted", "completed"), ("failed", "failed")] {
            let job = try await bed.pushAndPop("check-integration-updates") {
                $0.replacingOccurrences(of: "\"attempts\":0", with: "\"attempts\":0,\"retry_of\":\"\(parent)\"")
            }
            let id = try XCTUnwrap(job.payload.horizonId)
            let retriedBy = #"[{"id":"other","status":"pending","retried_at":1756848600,"note":"a\/b \u00e9"},{"id":"\#(id)","status":"pending","retried_at":1756848601}]"#
            _ = try await bed.horizonRedis.send(.hset(parent, fields: [("retried_by", Array(retriedBy.utf8))]))

            let middleware = bed.middleware()
            if event == "deleted" {
                await middleware.jobEvent(.deleted(job))
            } else {
                await middleware.jobEvent(.failed(job, exception: "E"))
            }

            // Horizon decodes the list, sets the entry's status and re-encodes with json_encode: ask PHP.
            let php = try ProcessRunner.phpCode("""
                $r = json_decode(stream_get_contents(STDIN), true);
                foreach ($r as $k => $e) { if ($e['id'] === getenv('RETRY_ID')) { $r[$k]['status'] = getenv('RETRY_STATUS'); } }
                echo json_encode($r);
                """, stdin: Array(retriedBy.utf8), environment: ["RETRY_ID": id, "RETRY_STATUS": status])
            let stored = try await bed.hashBytes(parent, "retried_by")
            XCTAssertEqual(stored.map { String(decoding: $0, as: UTF8.self) }, php.stdoutText, event)
            XCTAssertTrue(php.stdoutText.contains("\"status\":\"\(status)\""))
        }
    }

    func testHandBackAfterReservePutsTheOriginalBytesBackAsPending() async throws {
        let job = try await bed.pushAndPop("check-integration-updates")
        let id = try XCTUnwrap(job.payload.horizonId)
        let middleware = bed.middleware()
        await middleware.jobEvent(.handedBack(job, toQueue: "pull"))
        let untouched = try await bed.horizonKeys()
        XCTAssertTrue(untouched.isEmpty, "a job handed back before any reserve row needs no record")

        await middleware.jobEvent(.reserved(job))
        await middleware.jobEvent(.handedBack(job, toQueue: "pull"))
        let hash = try await bed.hash(id)
        XCTAssertEqual(hash["status"], "pending")
        let payload = try await bed.hashBytes(id, "payload")
        XCTAssertEqual(payload, job.rawBody)
    }

    func testJobsWithoutAnIdAndRejectedElementsWriteNothing() async throws {
        let middleware = bed.middleware()
        let bytes = Array(#"{"displayName":"X","attempts":0}"#.utf8)
        let job = RedisJob(connectionName: "redis", queue: "pull", rawBody: bytes, reserved: bytes, payload: try Payload(bytes: bytes))
        await middleware.jobEvent(.reserved(job))
        await middleware.jobEvent(.deleted(job))
        await middleware.jobEvent(.failed(job, exception: "E"))
        await middleware.jobEvent(.rejected(queue: "pull", bytes: [1, 2], reason: "not json"))
        let keys = try await bed.horizonKeys()
        XCTAssertTrue(keys.isEmpty, "\(keys)")
    }
}
