import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import TestSupport
import XCTest

/// Under Horizon, `Dispatcher` pushes what `Laravel\Horizon\RedisQueue` pushes (spec §8.2): the framework
/// payload with `id` = `uuid`, then `type`, `tags`, `silenced`, `pushedAt`, re-encoded with plain `json_encode`.
/// The expected bytes come from PHP: the captured framework payload, changed as Horizon changes it.
final class HorizonDispatchPayloadTests: XCTestCase {
    private var bed: HorizonTestBed!

    override func setUp() async throws { bed = try await HorizonTestBed.make() }
    override func tearDown() async throws { await bed.cleanup() }

    private static let pushedAt = "1795981914.9726"
    private static let integration = #"{"@model":"App\\Models\\Integration","id":"3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f","connection":"sqlite"}"#

    private func dispatcher(recordsLaterDelay: Bool = false) -> Dispatcher {
        Dispatcher(hook: HorizonProducer(redis: bed.horizonRedis, recordsLaterDelay: recordsLaterDelay, logger: WorkerTestBed.logger))
    }

    private func identity(_ p: Payload) throws -> PayloadIdentity {
        PayloadIdentity(uuid: try XCTUnwrap(p.uuid), id: try XCTUnwrap(p.id), createdAt: p.createdAt ?? 0, pushedAt: Self.pushedAt)
    }

    /// PHP's view of Horizon's preparation of a captured framework payload: `id` = `uuid`, `delay` null for
    /// `later()` (Horizon before PR #1759), model tags from the command's `ModelIdentifier`s, plain `json_encode`.
    private static func horizonPayload(ofCaptured bytes: [UInt8], nullDelay: Bool = false) throws -> String {
        let code = #"""
        ini_set('display_errors', 'stderr');
        require 'Illuminate/autoload.php';
        $p = json_decode(stream_get_contents(STDIN), true);
        $p['id'] = $p['uuid'];
        if (getenv('NULL_DELAY') === '1' && array_key_exists('delay', $p)) { $p['delay'] = null; }
        $tags = [];
        foreach ((array) unserialize($p['data']['command']) as $value) {
            if ($value instanceof Illuminate\Contracts\Database\ModelIdentifier) {
                foreach ((array) $value->id as $key) { $tags[] = $value->class.':'.$key; }
            }
        }
        $p = array_merge($p, ['type' => 'job', 'tags' => array_values(array_unique($tags)), 'silenced' => false, 'pushedAt' => getenv('PUSHED_AT')]);
        echo json_encode($p);
        """#
        return try ProcessRunner.phpCode(code, stdin: bytes, environment: ["PUSHED_AT": pushedAt, "NULL_DELAY": nullDelay ? "1" : "0"]).stdoutText
    }

    private func assertHorizonDispatches(_ fixture: String, _ job: PendingJob, nullDelay: Bool = false, recordsLaterDelay: Bool = false,
                                         file: StaticString = #filePath, line: UInt = #line) throws -> Payload {
        let bytes = try TestEnvironment.fixture(fixture)
        let captured = try Payload(bytes: bytes)
        let built = try dispatcher(recordsLaterDelay: recordsLaterDelay).payload(for: job, identity: identity(captured))
        XCTAssertEqual(built.rawText, try Self.horizonPayload(ofCaptured: bytes, nullDelay: nullDelay), fixture, file: file, line: line)
        XCTAssertEqual(built.id, built.uuid, file: file, line: line)
        XCTAssertEqual(built.uuid, captured.uuid, file: file, line: line)
        return built
    }

    func testV12PlainJobHasHorizonsFieldsAfterDelayWithPlainJSONEscapes() throws {
        let job = try PendingJob(className: "App\\Jobs\\Plain",
                                 propertiesJSON: #"{"title":"Daily report ✓","*secret":"sk_test\/42","-note":{"lang":"fr","text":"café \"crème\""}}"#,
                                 version: .v12, shape: .serializesModels)
        let built = try assertHorizonDispatches("laravel12/plain.json", job)
        XCTAssertEqual(Array(built.json.keys.suffix(7)), ["id", "attempts", "delay", "type", "tags", "silenced", "pushedAt"])
        XCTAssertTrue(built.rawText.contains(#"Daily report \u2713"#), "plain json_encode escapes non-ASCII (inside the command string too)")
        XCTAssertTrue(built.rawText.hasSuffix(#","type":"job","tags":[],"silenced":false,"pushedAt":"1795981914.9726"}"#))
        // The same job without Horizon keeps the framework's random id and raw UTF-8.
        let plain = try Dispatcher().payload(for: job, identity: identity(try Payload(bytes: TestEnvironment.fixture("laravel12/plain.json"))))
        XCTAssertNotEqual(plain.id, plain.uuid)
        XCTAssertNil(plain.horizonType)
        XCTAssertTrue(plain.rawText.contains("Daily report ✓"))
    }

    func testV12ModelJobIsTaggedWithItsModel() throws {
        let job = try PendingJob(className: "App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull", propertiesJSON: #"{"*integration":\#(Self.integration)}"#,
                                 queue: "pull", overrides: PayloadOptionOverrides(tries: 3, backoff: [60, 300, 600], timeout: 120), version: .v12)
        let built = try assertHorizonDispatches("laravel12/model.json", job)
        XCTAssertEqual(built.tags, ["App\\Models\\Integration:3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f"])
    }

    /// v8 has no `createdAt`/`delay`: Horizon's fields follow `attempts`.
    func testV8PayloadEndsWithAttemptsThenHorizonsFields() throws {
        let job = try PendingJob(className: "App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull",
                                 propertiesJSON: #"{"timeout":120,"tries":3,"backoff":[60,300,600],"*integration":\#(Self.integration)}"#,
                                 queue: "pull", version: .v8)
        let built = try assertHorizonDispatches("laravel8/monzo-pull.json", job)
        XCTAssertEqual(Array(built.json.keys.suffix(6)), ["id", "attempts", "type", "tags", "silenced", "pushedAt"])
        XCTAssertNil(built.createdAt)
        XCTAssertFalse(built.json.keys.contains("delay"))
    }

    /// Horizon v5.33.5's `later()` writes `"delay":null`; PR #1759 builds write the seconds.
    func testDelayedJobsCarryHorizonsLaterDelay() throws {
        let job = try PendingJob(className: "App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull", propertiesJSON: #"{"*integration":\#(Self.integration)}"#,
                                 queue: "pull", delay: 30, overrides: PayloadOptionOverrides(tries: 3, backoff: [60, 300, 600], timeout: 120),
                                 version: .v12)
        let nulled = try assertHorizonDispatches("laravel12/delayed.json", job, nullDelay: true)
        XCTAssertEqual(nulled.json["delay"], .null)
        let recorded = try assertHorizonDispatches("laravel12/delayed.json", job, recordsLaterDelay: true)
        XCTAssertEqual(recorded.delay, 30)
    }

    func testExplicitTagsWinOverModelTagsAndSilencedIsTheCallersWord() throws {
        let identity = PayloadIdentity(uuid: "u", id: "i", createdAt: 1_800_000_000, pushedAt: Self.pushedAt)
        var job = try PendingJob(className: "App\\Jobs\\Sync", propertiesJSON: #"{"*integration":\#(Self.integration)}"#, version: .v12)
        XCTAssertEqual(try dispatcher().payload(for: job, identity: identity).silenced, false)
        job.tags = ["integration", "sync", "integration"]
        job.silenced = true
        let built = try dispatcher().payload(for: job, identity: identity)
        XCTAssertEqual(built.tags, ["integration", "sync"], "Tags::explicitTags keeps each once")
        XCTAssertEqual(built.silenced, true)
        job.tags = []
        XCTAssertEqual(try dispatcher().payload(for: job, identity: identity).tags, ["App\\Models\\Integration:3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f"],
                       "an empty tags() falls back to the model tags")
    }

    /// Every model of a collection, in property order, each once; a job without models has no tags.
    func testCollectionsGiveOneTagPerModel() throws {
        let job = try PendingJob(className: "App\\Jobs\\Sync",
                                 propertiesJSON: #"{"*users":{"@model":"App\\Models\\User","id":[7,3,7]},"*integration":\#(Self.integration),"*owner":{"@model":"App\\Models\\User","id":3},"*none":{"@model":null,"id":[]}}"#,
                                 version: .v12)
        XCTAssertEqual(job.horizonTags, ["App\\Models\\User:7", "App\\Models\\User:3", "App\\Models\\Integration:3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f"])
        XCTAssertEqual(PendingJob(className: "App\\Jobs\\Plain", properties: ProbeDispatch().properties).horizonTags, [])
    }

    func testEnvelopeTypesFollowTheClass() {
        XCTAssertEqual(PendingJob(className: "App\\Jobs\\Sync").horizonType, "job")
        XCTAssertEqual(PendingJob(className: "\\Illuminate\\Mail\\SendQueuedMailable").horizonType, "mail")
        XCTAssertEqual(PendingJob(className: "Illuminate\\Notifications\\SendQueuedNotifications").horizonType, "notification")
        XCTAssertEqual(PendingJob(className: "Illuminate\\Events\\CallQueuedListener").horizonType, "event")
        XCTAssertEqual(PendingJob(className: "Illuminate\\Broadcasting\\BroadcastEvent").horizonType, "broadcast")
    }
}
