import AppleHealth
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import XCTest

/// Health Auto Export re-posts overlapping windows all the time: a re-sent upload writes no second event,
/// object or block, and an overlapping one updates what changed and adds what is new (⚠ 373618f failed the job
/// on the unique key instead, §8.5–§8.6).
final class AppleHealthIdempotencyTests: XCTestCase {
    func testResentUploadWritesNothingTwiceOnPostgreSQL() async throws { try await resent(.postgres) }
    func testResentUploadWritesNothingTwiceOnSQLite() async throws { try await resent(.sqlite) }
    func testOverlappingWindowUpdatesAndAddsOnPostgreSQL() async throws { try await overlapping(.postgres) }
    func testOverlappingWindowUpdatesAndAddsOnSQLite() async throws { try await overlapping(.sqlite) }
    func testChunkedSeriesWritesWhatOneJobWritesOnPostgreSQL() async throws { try await chunked(.postgres) }
    func testChunkedSeriesWritesWhatOneJobWritesOnSQLite() async throws { try await chunked(.sqlite) }

    func counts(_ db: SparkTestDatabase) async throws -> [Int] {
        var counts: [Int] = []
        for table in ["events", "objects", "blocks"] { counts.append(try await db.count(table)) }
        return counts
    }

    func resent(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            try await AppleHealthJobRunner.replayScenario(db)
            let first = try await counts(db)
            XCTAssertEqual(first, [60, 33, 53])
            try await AppleHealthJobRunner.replayScenario(db)
            let upload = try AppleHealthWebhookHookTests.nativeUpload()
            var runner = AppleHealthJobRunner(db)
            runner.settings = AppleHealthSettings(chunkSize: 1)
            try await runner.hook(instance: "workouts", payload: upload)
            try await runner.hook(instance: "metrics", payload: upload)
            let again = try await counts(db)
            XCTAssertEqual(again, first)
            try await AppleHealthGoldenRowsTests.assertGolden(db)
        }
    }

    static func series(_ points: [(date: String, qty: Double)]) throws -> PHPValue {
        let data = points.map { #"{"date":"\#($0.date)","qty":\#($0.qty),"source":"Watch"}"# }.joined(separator: ",")
        return try AppleHealthJobRunner.php(#"{"name":"step_count","units":"count","data":[\#(data)]}"#)
    }

    func overlapping(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            try await runner.metric(try Self.series([("2025-08-12 10:00:00 +0100", 10), ("2025-08-12 11:00:00 +0100", 20)]))
            // The next window overlaps the last point, whose count grew meanwhile.
            try await runner.metric(try Self.series([("2025-08-12 11:00:00 +0100", 25), ("2025-08-12 12:00:00 +0100", 30.5)]))
            let rows = try await db.rows("select source_id, value, value_multiplier from events order by source_id")
            XCTAssertEqual(rows.map { $0["source_id"]?.string ?? "" }, [
                "apple_metric_step_count_2025-08-12_100000_0100", "apple_metric_step_count_2025-08-12_110000_0100",
                "apple_metric_step_count_2025-08-12_120000_0100",
            ])
            XCTAssertEqual(rows.map { $0["value"]?.int ?? -1 }, [10, 25, 30500])
            XCTAssertEqual(rows.map { $0["value_multiplier"]?.int ?? -1 }, [1, 1, 1000])
            let blocks = try await db.count("blocks")
            XCTAssertEqual(blocks, 3, "one Source block per event, not one per upload")
            let objects = try await db.count("objects")
            XCTAssertEqual(objects, 2)
            let metadata = try await db.rows("select \(db.json("event_metadata")) as m from events where source_id like '%110000%'")
            XCTAssertEqual(metadata.first?["m"]?.string, #"{"metric":"step_count","raw":{"date":"2025-08-12 11:00:00 +0100","qty":25,"source":"Watch"}}"#)
        }
    }

    /// A series cut into chunks (one job each) writes the rows one job writes.
    func chunked(_ backend: SparkTestDatabase.Backend) async throws {
        let points = (0..<12).map { (date: "2025-08-12 \(String(format: "%02d", $0)):00:00 +0100", qty: Double($0) + 0.25) }
        var upload = PHPArray()
        var data = PHPArray()
        data["metrics"] = .array(PHPArray(list: [try Self.series(points)]))
        upload["data"] = .array(data)
        var results: [SparkRows] = []
        for chunk in [5, 100] {
            try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
                var runner = AppleHealthJobRunner(db)
                runner.settings = AppleHealthSettings(chunkSize: chunk)
                let jobs = try await runner.hook(instance: "metrics", payload: .array(upload))
                XCTAssertEqual(jobs.count, chunk == 5 ? 3 : 1)
                var rows = try await SparkRows.read(db)
                for key in rows.events.keys { rows.events[key]?.integration = "metrics" }
                results.append(rows)
            }
        }
        XCTAssertEqual(results[0].events.count, 12)
        XCTAssertEqual(results[0].events, results[1].events)
        XCTAssertEqual(results[0].objects.mapValues(\.description), results[1].objects.mapValues(\.description))
    }
}
