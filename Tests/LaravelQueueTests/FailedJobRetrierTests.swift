import Database
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

/// `queue:retry` and `queue:failed` logic against a real Redis and SQLite `failed_jobs`, with Laravel 8's own
/// `RetryCommand::resetAttempts` and `ListFailedCommand::extractJobName` as the reference for the bytes.
final class FailedJobRetrierTests: XCTestCase {
    private var prefix = ""
    private var redis: RedisConnection!
    private var db: QueueTestDatabase!
    private var failer: DatabaseUuidFailedJobProvider!
    private var queue: RedisQueue!

    override func setUp() async throws {
        prefix = "retrier_\(UUID().uuidString.prefix(8).lowercased())_"
        redis = try await RedisConnection(configuration: RedisConfiguration(
            host: TestEnvironment.redisHost, port: try TestEnvironment.redisPort(), keyPrefix: prefix))
        queue = RedisQueue(redis: redis)
        db = try QueueTestDatabases.sqlite()
        failer = DatabaseUuidFailedJobProvider(connection: db.connection)
        try await failer.createTableIfMissing()
    }

    override func tearDown() async throws {
        _ = try? await redis?.send(RedisCommand("EVAL", [
            .value("for _, k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end return 0"),
            .value("0"), .value(prefix + "*"),
        ]))
        redis?.close()
        try await db?.cleanup()
    }

    private func retrier() -> FailedJobRetrier {
        let queue = self.queue!
        return FailedJobRetrier(failer: failer) { connection in
            guard connection == "redis" else { throw UnknownConnection(name: connection) }
            return queue
        }
    }

    private func ready(_ name: String) async throws -> [[UInt8]] {
        try await redis.send(RedisCommand("LRANGE", [.key("queues:\(name)"), .value("0"), .value("-1")])).array?.compactMap(\.bytes) ?? []
    }

    /// Failed payloads of every version (as popped: attempts > 0; cjson re-encoded ones with `{}` and `\/`).
    static let retriedFixtures = [
        "laravel8/fails.failed.json", "laravel9/fails.failed.json", "laravel10/fails.failed.json",
        "laravel11/fails.failed.json", "laravel12/fails.failed.json", "laravel13/fails.failed.json",
        "laravel8/fails.reserved2.json", "laravel12/model-relations.reserved.json", "laravel13/chain.reserved.json",
        "laravel8/encrypted.reserved.json", "queue/monzo-transaction-data.payload.json",
    ]

    func testRetryPushesWhatLaravelsRetryCommandWouldAndForgetsTheRecord() async throws {
        let retrier = retrier()
        for (index, fixture) in Self.retriedFixtures.enumerated() {
            let stored = try TestEnvironment.fixture(fixture)
            let queueName = "q\(index)"
            let logged = try await failer.log(connection: "redis", queue: queueName, payload: stored, exception: "E")
            let id = try XCTUnwrap(logged, fixture)
            let expected = try Self.laravelRetryBytes(stored)

            guard case .retried(let record, let pushed, _) = try await retrier.retry(id) else { return XCTFail("not found: \(fixture)") }
            XCTAssertEqual(record.queue, queueName)
            let list = try await ready(queueName)
            XCTAssertEqual(list.count, 1, fixture)
            XCTAssertEqual(list.first.map { String(decoding: $0, as: UTF8.self) }, String(decoding: expected, as: UTF8.self), fixture)
            XCTAssertEqual(pushed.rawBytes, list.first)
            let before = try Payload(bytes: stored)
            XCTAssertEqual(pushed.uuid, before.uuid)
            XCTAssertEqual(pushed.id, before.id)
            XCTAssertEqual(pushed.attempts, before.attempts == nil ? nil : 0)
            let left = try await failer.find(id)
            XCTAssertNil(left, "record forgotten: \(fixture)")
        }
    }

    func testMissingIdsAndUnreadablePayloadsLeaveEverythingAsItWas() async throws {
        let retrier = retrier()
        guard case .notFound(let id) = try await retrier.retry("no-such-uuid") else { return XCTFail("found") }
        XCTAssertEqual(id, "no-such-uuid")

        // PHP would push `null` for this (json_decode fails); it is refused and the record kept.
        // (Shuttle's provider would not record it; PHP's would, from a payload some other writer broke.)
        try await db.connection.execute(
            "insert into failed_jobs (uuid, connection, queue, payload, exception) values (?, ?, ?, ?, ?)",
            [.text("11111111-2222-3333-4444-555555555555"), .text("redis"), .text("default"),
             .text(#"{"uuid":"11111111-2222-3333-4444-555555555555","attempts":1"#), .text("E")])
        do {
            _ = try await retrier.retry("11111111-2222-3333-4444-555555555555")
            XCTFail("retried an unreadable payload")
        } catch {
            XCTAssertTrue("\(error)".contains("at byte"), "\(error)")
        }
        let kept = try await failer.find("11111111-2222-3333-4444-555555555555")
        XCTAssertNotNil(kept)
        let list = try await ready("default")
        XCTAssertEqual(list.count, 0)
    }

    /// `RetryCommand::getJobIds`: `all`, `--queue` (replacing the ids), de-duplication, PHP's `array_filter`.
    func testJobIdsFollowTheRetryCommand() async throws {
        var uuids: [String] = []
        for (i, queueName) in ["a", "b", "a"].enumerated() {
            let uuid = "00000000-0000-4000-8000-00000000000\(i)"
            uuids.append(uuid)
            try await failer.log(connection: "redis", queue: queueName, payload: Array(#"{"uuid":"\#(uuid)","attempts":1}"#.utf8), exception: "E")
        }
        let retrier = retrier()
        let all = try await retrier.jobIds(["all"])
        let ids = try await failer.ids()
        XCTAssertEqual(all, ids)
        XCTAssertEqual(all, uuids.reversed())
        let onA = try await retrier.jobIds(["ignored"], queue: "a")
        XCTAssertEqual(onA, [uuids[2], uuids[0]])
        let given = try await retrier.jobIds([uuids[1], "", uuids[0], uuids[1], "0"])
        XCTAssertEqual(given, [uuids[1], uuids[0]])
        do {
            _ = try await retrier.jobIds([], queue: "nothing-here")
            XCTFail("no error for an empty queue")
        } catch {
            XCTAssertEqual("\(error)", "Unable to find failed jobs for queue [nothing-here].")
        }
    }

    /// `queue:failed`'s Class column: Laravel 8's `extractJobName` on the same payloads; 13.12+ prefers displayName.
    func testSummaryClassIsWhatListFailedCommandExtracts() throws {
        var payloads = try InspectPayloadTests.payloadFixtures().filter { $0.hasPrefix("laravel8/") || $0.hasPrefix("laravel13/") }
            .map { try TestEnvironment.fixture($0) }
        payloads += [
            #"{"job":"App\\Jobs\\StringHandler@handle","data":{"record":"r"},"attempts":0}"#,
            #"{"job":"J","data":{"command":"no quotes here"}}"#,
            #"{"job":"J","data":{"command":"a\"\"b\"c"}}"#,
            #"{"job":"J","data":{"command":null}}"#,
            #"[]"#, #"not json"#,
        ].map { Array($0.utf8) }
        let php = try Self.laravelJobNames(payloads)
        for (payload, expected) in zip(payloads, php) {
            let text = String(decoding: payload.prefix(80), as: UTF8.self)
            XCTAssertEqual(FailedJobSummary.jobClass(payload: payload, version: .v8), expected, text)
            let parsed = try? Payload(bytes: payload)
            if let name = parsed?.displayName, !name.isEmpty, parsed?.data?["command"]?.stringValue != nil {
                XCTAssertEqual(FailedJobSummary.jobClass(payload: payload, version: .v13), name, text)
            }
        }
    }

    struct UnknownConnection: Error { let name: String }

    // MARK: - PHP reference

    /// Laravel 8's `resetAttempts`, then `refreshRetryUntil`'s decode/encode (no `retryUntil()` to call here).
    static func laravelRetryBytes(_ stored: [UInt8]) throws -> [UInt8] {
        let code = #"""
        require 'Illuminate/autoload.php';
        class R extends Illuminate\Queue\Console\RetryCommand { public function reset($p) { return $this->resetAttempts($p); } }
        echo json_encode(json_decode((new R)->reset(stream_get_contents(STDIN)), true));
        """#
        return try ProcessRunner.phpCode(code, stdin: stored).stdout
    }

    static func laravelJobNames(_ payloads: [[UInt8]]) throws -> [String?] {
        let code = #"""
        require 'Illuminate/autoload.php';
        $m = new ReflectionMethod(Illuminate\Queue\Console\ListFailedCommand::class, 'extractJobName');
        $m->setAccessible(true);
        $command = new Illuminate\Queue\Console\ListFailedCommand;
        echo json_encode(array_map(fn ($p) => $m->invoke($command, base64_decode($p)), json_decode(stream_get_contents(STDIN))));
        """#
        let input = try JSONSerialization.data(withJSONObject: payloads.map { Data($0).base64EncodedString() })
        let out = try ProcessRunner.phpCode(code, stdin: [UInt8](input)).stdout
        let list = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(out)) as? [Any])
        return list.map { $0 as? String }
    }
}
