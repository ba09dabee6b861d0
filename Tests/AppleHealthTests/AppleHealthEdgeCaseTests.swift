import AppleHealth
import LaravelQueue
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import TestSupport
import XCTest

/// The DST night, the workout id fallback, and every kind of bad input: handled as the spec says or, where
/// it is silent, the item skipped with a logged reason while the rest is written. Failing jobs write nothing.
final class AppleHealthEdgeCaseTests: XCTestCase {
    func testSummerTimeEndGivesTwoEventsOnPostgreSQL() async throws { try await dstNight(.postgres) }
    func testSummerTimeEndGivesTwoEventsOnSQLite() async throws { try await dstNight(.sqlite) }
    func testWorkoutWithoutIdUsesPHPsMD5OnPostgreSQL() async throws { try await workoutWithoutId(.postgres) }
    func testWorkoutWithoutIdUsesPHPsMD5OnSQLite() async throws { try await workoutWithoutId(.sqlite) }
    func testBadMetricPointsAreSkippedOnPostgreSQL() async throws { try await badPoints(.postgres) }
    func testBadMetricPointsAreSkippedOnSQLite() async throws { try await badPoints(.sqlite) }
    func testBadWorkoutsAreSkippedOnPostgreSQL() async throws { try await badWorkouts(.postgres) }
    func testBadWorkoutsAreSkippedOnSQLite() async throws { try await badWorkouts(.sqlite) }
    func testBadUploadsOnPostgreSQL() async throws { try await badUploads(.postgres) }
    func testBadUploadsOnSQLite() async throws { try await badUploads(.sqlite) }
    func testArrayWhereANumberBelongsFailsTheJobOnPostgreSQL() async throws { try await arrayValue(.postgres) }
    func testArrayWhereANumberBelongsFailsTheJobOnSQLite() async throws { try await arrayValue(.sqlite) }

    func sourceIds(_ db: SparkTestDatabase) async throws -> [String] {
        try await db.rows("select source_id from events order by source_id").compactMap { $0["source_id"]?.string }
    }

    /// 26 October 2025, Europe/London: 01:30 happens at +0100 and again at +0000. Both are kept, with the same
    /// wall-clock time (spec §3.2) and source_ids that differ by the offset.
    func dstNight(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            try await runner.metric(try AppleHealthJobRunner.php(#"""
                {"name":"heart_rate","units":"count/min","data":[
                  {"date":"2025-10-26 01:30:00 +0100","Min":50,"Avg":55.5,"Max":61},
                  {"date":"2025-10-26 01:30:00 +0000","Min":48,"Avg":52,"Max":57},
                  {"date":"2025-10-25 21:30:00 -0500","Min":60,"Avg":62.25,"Max":70}]}
                """#))
            let rows = try await db.rows("select source_id, \(db.time("time")) as t, value from events order by source_id")
            XCTAssertEqual(rows.map { $0["source_id"]?.string ?? "" }, [
                "apple_metric_heart_rate_2025-10-25_213000_-0500",
                "apple_metric_heart_rate_2025-10-26_013000_0000", "apple_metric_heart_rate_2025-10-26_013000_0100",
            ])
            XCTAssertEqual(rows.map { $0["t"]?.string ?? "" }, ["2025-10-25 21:30:00", "2025-10-26 01:30:00", "2025-10-26 01:30:00"])
            XCTAssertEqual(rows.map { $0["value"]?.int ?? -1 }, [62250, 52, 55500])
            let blocks = try await db.rows("select title, block_type, value from blocks order by value")
            XCTAssertEqual(blocks.count, 9)
            XCTAssertTrue(blocks.allSatisfy { $0["block_type"]?.string == "" }, "metric blocks have block_type ''")
        }
    }

    func workoutWithoutId(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            try await runner.workout(try AppleHealthJobRunner.php(#"""
                {"name":"Mind & Body/Yoga é","start":"2025-08-13 07:00:00 +0100","end":"2025-08-13 07:20:00 +0100","duration":1200}
                """#))
            let integration = db.integrations["workouts"]!
            let php = try ProcessRunner.phpCode(
                #"echo md5(json_encode([$argv[1], "2025-08-13 07:00:00 +0100", "Mind & Body/Yoga \u{e9}"]));"#.replacingOccurrences(of: "$argv[1]", with: "'\(integration)'"))
            let ids = try await sourceIds(db)
            XCTAssertEqual(ids, ["apple_workout_" + php.stdoutText])
            let event = try await db.rows("select value, value_unit, \(db.time("time")) as t from events")
            XCTAssertEqual(event.first?["value"], .null)
            XCTAssertEqual(event.first?["value_unit"]?.string, "kcal", "the unit defaults to kcal when the key is missing")
            XCTAssertEqual(event.first?["t"]?.string, "2025-08-13 07:00:00")
            let summary = try await db.rows("select \(db.json("metadata")) as m from blocks where title = 'Summary'")
            XCTAssertEqual(summary.first?["m"]?.string, #"[{"duration":"1200 s"}]"#)
        }
    }

    func badPoints(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            try await runner.metric(try AppleHealthJobRunner.php(#"""
                {"name":"step_count","units":"count","data":[
                  "not a point", [1, 2], {"date":"yesterday-ish","qty":3}, {"date":"2025-08-12 01:00:00 +0100","qty":"many"},
                  {"date":"2025-08-12 02:00:00 +0100","qty":7}, {"date":"2025-08-12 03:00:00 +0100","qty":"8.5"}]}
                """#))
            // No units: stored as NULL; unknown units are stored as named (the app keeps whatever the export says).
            try await runner.metric(try AppleHealthJobRunner.php(#"{"name":"odd","data":[{"date":"2025-08-12 00:00:00 +0100","qty":1}]}"#))
            try await runner.metric(try AppleHealthJobRunner.php(#"{"name":"odder","units":"furlongs","data":[{"date":"2025-08-12 00:00:00 +0100","qty":2}]}"#))
            // No name: `unknown_metric` (spec §8.6); no data, or data that is not a list: nothing.
            try await runner.metric(try AppleHealthJobRunner.php(#"{"units":"count","data":[{"date":"2025-08-12 00:00:00 +0100","qty":3}]}"#))
            try await runner.metric(try AppleHealthJobRunner.php(#"{"name":"empty","units":"count"}"#))
            try await runner.metric(try AppleHealthJobRunner.php(#"{"name":"object","units":"count","data":{"date":"2025-08-12 00:00:00 +0100","qty":3}}"#))
            let ids = try await sourceIds(db)
            XCTAssertEqual(ids, [
                "apple_metric_odd_2025-08-12_000000_0100", "apple_metric_odder_2025-08-12_000000_0100",
                "apple_metric_step_count_2025-08-12_020000_0100", "apple_metric_step_count_2025-08-12_030000_0100",
                "apple_metric_unknown_metric_2025-08-12_000000_0100",
            ])
            let units = try await db.rows("select value_unit, value from events where source_id like 'apple_metric_odd%' order by source_id")
            XCTAssertEqual(units.map { $0["value_unit"] ?? .null }, [.null, .text("furlongs")])
            for reason in ["not an object", "unreadable date \"yesterday-ish\"", "qty is not a number: \"many\"",
                           "data is an object, not a list", "no data points"] {
                XCTAssertTrue(runner.log.contains(reason), "logged: \(reason)\n\(runner.log.all.joined(separator: "\n"))")
            }
        }
    }

    func badWorkouts(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            // No start: the spec's fallback is now (the job's clock), wall-clock UTC.
            try await runner.workout(try AppleHealthJobRunner.php(#"{"id":"NO-START","name":"Walk","duration":60}"#))
            try await runner.workout(try AppleHealthJobRunner.php(#"{"id":"BAD-START","name":"Walk","start":"soon"}"#))
            // A list where the distance object belongs reads as no distance; a non-numeric energy is left out.
            try await runner.workout(try AppleHealthJobRunner.php(#"""
                {"id":"ODD","name":"Walk","start":"2025-08-13 07:00:00 +0100","distance":[1.2,"km"],
                 "activeEnergyBurned":{"qty":"lots","units":"kcal"}}
                """#))
            try await runner.workout(try AppleHealthJobRunner.php(#"[1, 2, 3]"#))
            let rows = try await db.rows("select source_id, \(db.time("time")) as t, value from events order by source_id")
            XCTAssertEqual(rows.map { $0["source_id"]?.string ?? "" }, ["apple_workout_NO-START", "apple_workout_ODD"])
            XCTAssertEqual(rows.map { $0["t"]?.string ?? "" }, ["2025-08-14 06:00:00", "2025-08-13 07:00:00"])
            XCTAssertEqual(rows.last?["value"], .null)
            XCTAssertTrue(runner.log.contains("unreadable start \"soon\""))
            XCTAssertTrue(runner.log.contains("active energy left out: not a number \"lots\""))
            XCTAssertTrue(runner.log.contains("workout skipped: not an object"))
        }
    }

    func badUploads(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            // The body reached the job as text that is not JSON: the hook fails with a clear error.
            do {
                try await runner.hook(instance: "metrics", payload: .string("{\"data\": {\"metrics\": [}"))
                XCTFail("the hook should fail")
            } catch let error as JobException {
                XCTAssertTrue(error.message.hasPrefix("Apple Health upload is not JSON"), error.message)
            }
            // Valid JSON text is read as the upload.
            let jobs = try await runner.hook(instance: "metrics", payload: .string(
                #"{"data":{"metrics":[{"name":"vo2_max","units":"ml/(kg·min)","data":[{"date":"2025-08-12 00:00:00 +0100","qty":36.72}]}]}}"#))
            XCTAssertEqual(jobs.count, 1)
            // No data / no metrics / metrics not a list / items that are not objects: nothing dispatched, logged.
            for upload in [#"{"hello":"world"}"#, #"{"data":{"workouts":[]}}"#, #"{"data":{"metrics":{"name":"x"}}}"#,
                           #"{"data":{"metrics":[1,"two",[3],{"name":"no data"}]}}"#] {
                let pushed = try await runner.hook(instance: "metrics", payload: try AppleHealthJobRunner.php(upload))
                XCTAssertEqual(pushed.count, 0, upload)
            }
            for reason in ["has no metrics", "metrics is not a list", "metrics item skipped: not an object", "no data points"] {
                XCTAssertTrue(runner.log.contains(reason), "logged: \(reason)")
            }
            let events = try await db.count("events")
            XCTAssertEqual(events, 1)
        }
    }

    func arrayValue(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            do {
                try await runner.metric(try AppleHealthJobRunner.php(#"""
                    {"name":"step_count","units":"count","data":[{"date":"2025-08-12 02:00:00 +0100","qty":7},
                      {"date":"2025-08-12 03:00:00 +0100","qty":[8]}]}
                    """#))
                XCTFail("the job should fail")
            } catch let error as JobException {
                XCTAssertEqual(error.phpClass, "TypeError")
                XCTAssertTrue(error.message.contains("array where a number belongs"), error.message)
            }
            let events = try await db.count("events"), objects = try await db.count("objects")
            XCTAssertEqual(events + objects, 0, "one transaction: the failed job leaves nothing")
        }
    }
}
