import AppleHealth
import Database
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import TestSupport
import XCTest

/// An export with the shapes Health Auto Export sends beyond the sample files (sleep analysis with a date-only
/// `date`, blood pressure, meal times, workouts with routes and heart-rate series, a workout without id or
/// energy unit, empty series): through the hook into both databases, every job succeeds and the rows follow
/// the spec.
final class AppleHealthExportShapesTests: XCTestCase {
    func testExportShapesOnPostgreSQL() async throws { try await shapes(.postgres) }
    func testExportShapesOnSQLite() async throws { try await shapes(.sqlite) }

    func shapes(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let upload = try AppleHealthJobRunner.fixture("export-shapes.json")
            var runner = AppleHealthJobRunner(db)
            runner.settings = AppleHealthSettings(chunkSize: 2)
            let workouts = try await runner.hook(instance: "workouts", payload: upload)
            let metrics = try await runner.hook(instance: "metrics", payload: upload)
            XCTAssertEqual(workouts.count, 3)
            XCTAssertEqual(metrics.count, 7, "step_count in 3 chunks of at most 2 points; the empty series none")

            let rows = try await db.rows("""
                select source_id, \(db.time("time")) as t, value, value_multiplier, value_unit from events order by source_id
                """)
            var byId: [String: [String: SQLValue]] = [:]
            for row in rows { byId[row["source_id"]?.string ?? ""] = row }
            XCTAssertEqual(rows.count, 13)
            let sleep = try XCTUnwrap(byId["apple_metric_sleep_analysis_2025-08-12"])
            XCTAssertEqual(sleep["t"]?.string, "2025-08-12 00:00:00")
            XCTAssertEqual(sleep["value"], .null)
            XCTAssertEqual(sleep["value_multiplier"]?.int, 1)
            XCTAssertEqual(byId["apple_metric_blood_pressure_2025-08-12_080000_0100"]?["value"], .null)
            XCTAssertEqual(byId["apple_metric_blood_glucose_2025-08-12_080500_0100"]?["value"]?.int, 98200)
            XCTAssertEqual(byId["apple_metric_heart_rate_2025-08-12_080000_0100"]?["value"]?.int, 63500)
            XCTAssertEqual(byId["apple_metric_heart_rate_2025-08-12_080100_0100"]?["value"]?.int, 60)
            XCTAssertEqual(byId["apple_metric_step_count_2025-08-12_080100_0100"]?["value"]?.int, 0)
            XCTAssertEqual(byId["apple_metric_step_count_2025-08-12_080200_0100"]?["value"], .null)
            XCTAssertEqual(byId["apple_metric_step_count_2025-08-12T080300Z"]?["value"]?.int, 1000)
            XCTAssertEqual(byId["apple_metric_step_count_2025-08-12T080300Z"]?["t"]?.string, "2025-08-12 08:03:00")
            XCTAssertEqual(byId["apple_metric_step_count_2025-08-12_080400_-0700"]?["value"]?.int, -2500)
            XCTAssertEqual(byId["apple_metric_step_count_2025-08-12_080400_-0700"]?["t"]?.string, "2025-08-12 08:04:00")

            let run = try XCTUnwrap(byId["apple_workout_W-ROUTE"])
            XCTAssertEqual(run["value"]?.int, 310500)
            XCTAssertEqual(run["value_unit"]?.string, "kcal")
            let swim = try XCTUnwrap(byId["apple_workout_W-NOUNIT"])
            XCTAssertEqual(swim["value"]?.int, 80)
            XCTAssertEqual(swim["value_unit"]?.string, "kcal", "no units key: kcal")
            let yoga = try XCTUnwrap(rows.first { ($0["source_id"]?.string ?? "").hasPrefix("apple_workout_") && !($0["source_id"]?.string ?? "").hasPrefix("apple_workout_W-") })
            XCTAssertEqual(yoga["value"], .null)
            XCTAssertEqual(yoga["t"]?.string, "2025-08-12 07:00:00")

            // The heart-rate max 62.0004999999999997 is PHP 8.2's 62001 (pre-rounding), not IEEE's 62000.
            let max = try await db.rows("select value from blocks where title = 'Maximum' order by value")
            XCTAssertEqual(max.compactMap { $0["value"]?.int }, [71, 62001])
            let summary = try await db.rows("select \(db.json("b.metadata")) as m from blocks b join events e on e.id = b.event_id where e.source_id = 'apple_workout_W-ROUTE' and b.title = 'Summary'")
            XCTAssertEqual(summary.first?["m"]?.string,
                           #"[{"distance":"5.01 km","duration":"1800 s","active_energy":"310.5 kcal","intensity":"9.8 MET","location":"Outdoor"}]"#)
            // The whole workout, route and heart-rate series included, is the workout object's metadata.
            let object = try await db.rows("select \(db.json("metadata")) as m from objects where title = 'Outdoor Run'")
            let metadata = try JSONParser.parse(try XCTUnwrap(object.first?["m"]?.string))
            XCTAssertEqual(metadata["route"]?.arrayValue?.count, 1)
            XCTAssertEqual(metadata["metadata"], .array([]))
            let blocks = try await db.count("blocks")
            // Metrics: sleep Source 1, heart rate 4 + 3, glucose 0; workouts: run 5, yoga Summary + Duration 2, swim
            // Summary + Distance + Energy 3.
            XCTAssertEqual(blocks, 1 + 7 + 5 + 2 + 3)
        }
    }
}
