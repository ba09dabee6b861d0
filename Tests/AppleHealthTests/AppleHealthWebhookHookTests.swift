import AppleHealth
import LaravelQueue
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import XCTest

/// The hook end to end: the secret check, both envelopes, the split into processing jobs (series cut into
/// chunks), and the processing jobs it pushed writing the golden rows.
final class AppleHealthWebhookHookTests: XCTestCase {
    func testNativeEnvelopeInChunksWritesTheGoldenRowsOnPostgreSQL() async throws { try await nativeEnvelopeInChunks(.postgres) }
    func testNativeEnvelopeInChunksWritesTheGoldenRowsOnSQLite() async throws { try await nativeEnvelopeInChunks(.sqlite) }
    func testPayloadDataEnvelopeWritesTheGoldenRowsOnPostgreSQL() async throws { try await payloadDataEnvelope(.postgres) }
    func testPayloadDataEnvelopeWritesTheGoldenRowsOnSQLite() async throws { try await payloadDataEnvelope(.sqlite) }
    func testWrongOrMissingSecretFailsAndWritesNothingOnPostgreSQL() async throws { try await badSecret(.postgres) }
    func testWrongOrMissingSecretFailsAndWritesNothingOnSQLite() async throws { try await badSecret(.sqlite) }

    /// Health Auto Export's own `{"data": {"workouts": …, "metrics": …}}`, one hook per instance as the controller
    /// pushes them; every series cut into one-point jobs.
    static func nativeUpload() throws -> PHPValue {
        var data = PHPArray()
        data["workouts"] = try AppleHealthJobRunner.fixture("workouts.json")[php: "workouts"]!
        data["metrics"] = try AppleHealthJobRunner.fixture("metrics.json")[php: "metrics"]!
        var upload = PHPArray()
        upload["data"] = .array(data)
        return .array(upload)
    }

    func nativeEnvelopeInChunks(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            var runner = AppleHealthJobRunner(db)
            runner.settings = AppleHealthSettings(chunkSize: 1)
            let upload = try Self.nativeUpload()
            let workouts = try await runner.hook(instance: "workouts", payload: upload)
            let metrics = try await runner.hook(instance: "metrics", payload: upload)
            XCTAssertEqual(workouts.count, 7)
            XCTAssertEqual(workouts.map(\.displayName), Array(repeating: AppleHealthWorkoutData.phpClass, count: 7))
            XCTAssertEqual(metrics.count, 53, "one job per point with a cap of 1")
            try await AppleHealthGoldenRowsTests.assertGolden(db)
        }
    }

    func payloadDataEnvelope(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            var inner = PHPArray()
            inner["data"] = try Self.nativeUpload()[php: "data"]!
            var upload = PHPArray()
            upload["payload"] = .array(inner)
            let workouts = try await runner.hook(instance: "workouts", payload: .array(upload))
            let metrics = try await runner.hook(instance: "metrics", payload: .array(upload))
            XCTAssertEqual(workouts.count, 7)
            XCTAssertEqual(metrics.count, 28, "one job per series under the cap")
            try await AppleHealthGoldenRowsTests.assertGolden(db)

            // A processing job as PHP's dispatch pushes it (spec §4.4, §12).
            let payload = try XCTUnwrap(metrics.first)
            XCTAssertEqual(payload.displayName, AppleHealthMetricData.phpClass)
            XCTAssertEqual(payload.maxTries, 2)
            XCTAssertEqual(payload.timeout, 300)
            XCTAssertEqual(payload.backoff, "120,300")
            let command = String(decoding: try XCTUnwrap(payload.commandBytes), as: UTF8.self)
            XCTAssertTrue(command.hasPrefix("O:47:\"App\\Jobs\\Data\\AppleHealth\\AppleHealthMetricData\":"), command)
            XCTAssertTrue(command.contains("s:14:\"\0*\0integration\";O:45:\"Illuminate\\Contracts\\Database\\ModelIdentifier\""), command)
            XCTAssertTrue(command.contains("s:9:\"relations\";a:0:{}"), command)
            XCTAssertTrue(command.contains("s:10:\"\0*\0rawData\";a:3:{"), command)
            XCTAssertTrue(command.contains("s:14:\"\0*\0serviceName\";s:12:\"apple_health\";"), command)
            XCTAssertTrue(command.contains("s:5:\"queue\";s:4:\"pull\";"), command)
            XCTAssertFalse(command.contains("\"tries\""), "default-valued properties are left out, as SerializesModels does")
            XCTAssertNil(payload.json["type"], "no Horizon fields when the hook did not come through Horizon")

            // Through Horizon: the processing jobs carry Horizon's fields and the integration's tag.
            let horizon = try await runner.hook(instance: "workouts", payload: .array(upload), horizon: true)
            XCTAssertEqual(horizon.count, 7)
            XCTAssertEqual(horizon.first?.json["type"]?.stringValue, "job")
            XCTAssertEqual(horizon.first?.json["tags"], .array([.string("App\\Models\\Integration:\(db.integrations["workouts"]!)")]))
        }
    }

    func badSecret(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            let runner = AppleHealthJobRunner(db)
            let upload = try Self.nativeUpload()
            for (secret, message) in [("wrong-secret-value", "Invalid webhook secret"), (AppleHealthJobRunner.secret + "x", "Invalid webhook secret"),
                                      (nil, "Missing webhook secret"), ("", "Missing webhook secret")] as [(String?, String)] {
                do {
                    try await runner.hook(instance: "metrics", payload: upload, secret: secret)
                    XCTFail("the hook should fail")
                } catch let error as JobException {
                    XCTAssertEqual(error.phpClass, "Exception")
                    XCTAssertEqual(error.message, message)
                    XCTAssertFalse("\(error)".contains(AppleHealthJobRunner.secret), "the secret never appears in an error")
                }
            }
            let events = try await db.count("events"), objects = try await db.count("objects")
            XCTAssertEqual(events + objects, 0, "nothing written")
            XCTAssertFalse(runner.log.all.contains { $0.contains(AppleHealthJobRunner.secret) }, "nor logged")
        }
    }
}

/// The hook's two ways of reading an upload, its command's bytes and the unserialized command, give the same
/// processing jobs for good and odd uploads alike.
final class AppleHealthHookReadingTests: XCTestCase {
    func testBytesAndValuesGiveTheSameJobs() async throws {
        try await withDatabase(.sqlite, seed: AppleHealthJobRunner.seed) { db in
            let native = try AppleHealthWebhookHookTests.nativeUpload()
            var wrapped = PHPArray()
            var inner = PHPArray()
            inner["data"] = native[php: "data"]!
            wrapped["payload"] = .array(inner)
            let uploads: [PHPValue] = [
                native, .array(wrapped), try AppleHealthJobRunner.fixture("metrics.json"), try AppleHealthJobRunner.fixture("workouts.json"),
                try AppleHealthJobRunner.php(#"{"data":{"metrics":[1,"two",[3],{"name":"no data"},{"name":"obj","data":{"a":{"qty":1}}},{"name":"n","units":null,"data":[{"date":"2025-08-12 00:00:00 +0100","qty":1.5,"x":{"y":[1,2]}},{"date":"2025-08-12 01:00:00 +0100","qty":"2"},{"date":"2025-08-12 02:00:00 +0100"}]}],"workouts":{"a":1}}}"#),
                try AppleHealthJobRunner.php(#"{"data":{"metrics":{"name":"x"}}}"#), try AppleHealthJobRunner.php(#"{"hello":"world"}"#),
            ]
            var total = 0
            for upload in uploads {
                for instance in ["workouts", "metrics"] {
                    var results: [[String]] = []
                    for streams in [true, false] {
                        var runner = AppleHealthJobRunner(db)
                        runner.settings = AppleHealthSettings(chunkSize: 2)
                        runner.streams = streams
                        let payloads = try await runner.hook(instance: instance, payload: upload)
                        XCTAssertFalse(runner.log.contains("reads its unserialized command"), "the bytes were read")
                        results.append(try payloads.map { payload in
                            let command = try XCTUnwrap(CommandDecoding.command(of: payload, encrypter: nil))
                            return "\(payload.displayName ?? "") \(payload.maxTries ?? 0) \(command)"
                        })
                    }
                    XCTAssertEqual(results[0], results[1])
                    total += results[0].count
                }
            }
            XCTAssertGreaterThan(total, 100)
        }
    }
}
