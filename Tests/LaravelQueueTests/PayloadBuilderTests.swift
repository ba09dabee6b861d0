import Foundation
import PHPSerialization
import TestSupport
import XCTest
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe

/// Builds the captured jobs with `PayloadBuilder` for each version and compares byte for byte with what
/// PHP pushed (per-run values — uuid, id, createdAt, pushedAt, retryUntil, lock owner, ciphertext — taken
/// from the capture).
final class PayloadBuilderTests: XCTestCase {
    static let versions: [(String, LaravelVersion)] = [
        ("laravel8", .v8), ("laravel9", .v9), ("laravel10", .v10), ("laravel11", .v11),
        ("laravel12", .v12), ("laravel12.67", .v12_67), ("laravel13", .v13),
    ]

    // MARK: The capture harness's job classes (README "Cases")

    static func integration(_ id: String = "3f1c2b8e-5d4a-4e6b-9c7d-1a2b3c4d5e6f", relations: [String] = [], connection: String = "sqlite") -> ModelIdentifier {
        ModelIdentifier(modelClass: "App\\Models\\Integration", id: .string(id), relations: relations, connection: connection)
    }

    static func list(_ ints: [Int]) -> PHPValue { .array(PHPArray(list: ints.map { .int($0) })) }

    static func map(_ pairs: [(String, PHPValue)]) -> PHPValue {
        .array(PHPArray(entries: pairs.map { PHPArray.Entry(key: .string($0.0), value: $0.1) }))
    }

    /// `public $x = v;` — a property still holding its declared default.
    static func option(_ name: String, _ value: PHPValue) -> JobProperty { JobProperty(name, .public, value, default: value) }

    static func monzoAccountPull(_ model: ModelIdentifier) -> JobClass {
        JobClass("App\\Jobs\\OAuth\\Monzo\\MonzoAccountPull", properties: [
            option("timeout", .int(120)), option("tries", .int(3)), option("backoff", list([60, 300, 600])),
            .model("integration", .protected, model),
        ])
    }
    static let monzoAccountPullOptions = JobOptions(maxTries: 3, backoff: JobOptions.backoff([60, 300, 600]), timeout: 120)

    static let chainRawData = map([("accounts", .array(PHPArray(list: [map([("id", .string("acc_00009237aqC8c5umZmrRdh"))])])))])

    static func monzoAccountData(_ rawData: PHPValue) -> JobClass {
        JobClass("App\\Jobs\\Data\\Monzo\\MonzoAccountData", properties: [
            option("timeout", .int(300)), option("tries", .int(2)), option("backoff", list([120, 300])),
            .model("integration", .protected, integration()),
            JobProperty("rawData", .protected, rawData, default: nil),
        ])
    }
    static let monzoAccountDataOptions = JobOptions(maxTries: 2, backoff: "120,300", timeout: 300)

    static func plainProperties() -> [JobProperty] {
        [
            JobProperty("title", .public, .string("Daily report ✓")),
            JobProperty("secret", .protected, .string("sk_test/42")),
            JobProperty("note", .private, map([("lang", .string("fr")), ("text", .string("café \"crème\""))])),
            option("format", .string("pdf")),
        ]
    }

    // MARK: Helpers

    private func capture(_ path: String) throws -> Payload { try Payload(bytes: PayloadFixtureTests.bytes(path)) }

    private func identity(_ p: Payload) throws -> PayloadIdentity {
        PayloadIdentity(uuid: try XCTUnwrap(p.uuid), id: try XCTUnwrap(p.id), createdAt: p.createdAt ?? 0, pushedAt: p.pushedAt ?? "")
    }

    private func capturedCommand(_ p: Payload) throws -> JobCommand {
        try JobCommand(serialized: try XCTUnwrap(p.commandBytes))
    }

    /// Builds `job` the way `path` was pushed and compares the payload and the command alone.
    private func assertBuilds(_ path: String, _ version: LaravelVersion, _ job: JobClass, state: QueueableState = QueueableState(),
                              shape: CommandSerializer.Shape = .serializesModels, options: JobOptions = JobOptions(),
                              delay: Int? = nil, hooks: JSONObject = JSONObject(), file: StaticString = #filePath, line: UInt = #line) throws {
        let captured = try capture(path)
        let command = try CommandSerializer(version: version).serialize(job, state: state, shape: shape)
        XCTAssertEqual(String(decoding: command, as: UTF8.self), captured.command, "command of \(path)", file: file, line: line)
        let built = try PayloadBuilder(version: version).build(job, state: state, shape: shape, options: options, delay: delay,
                                                                hooks: hooks, identity: identity(captured))
        XCTAssertEqual(built.rawText, captured.rawText, path, file: file, line: line)
    }

    // MARK: Golden comparisons

    func testPlainJobsWithAndWithoutSerializesModels() throws {
        for (dir, version) in Self.versions where dir != "laravel8" {
            try assertBuilds("\(dir)/plain.json", version, JobClass("App\\Jobs\\Plain", properties: Self.plainProperties()))
            try assertBuilds("\(dir)/plain-bare.json", version,
                             JobClass("App\\Jobs\\BarePlain", properties: Self.plainProperties(), traits: [.dispatchable, .interactsWithQueue, .queueable]),
                             shape: .native)
        }
    }

    func testModelJobs() throws {
        for (dir, version) in Self.versions {
            let name = dir == "laravel8" ? "monzo-pull" : "model"
            try assertBuilds("\(dir)/\(name).json", version, Self.monzoAccountPull(Self.integration()),
                             state: QueueableState(queue: "pull"), options: Self.monzoAccountPullOptions)
            if dir != "laravel8" {
                try assertBuilds("\(dir)/model-relations.json", version, Self.monzoAccountPull(Self.integration(relations: ["user"])),
                                 state: QueueableState(queue: "pull"), options: Self.monzoAccountPullOptions)
            }
        }
    }

    func testDelayedJobs() throws {
        for (dir, version) in Self.versions {
            let seconds = dir == "laravel8" ? 5 : 30
            try assertBuilds("\(dir)/delayed.json", version, Self.monzoAccountPull(Self.integration()),
                             state: QueueableState(queue: "pull", delay: seconds), options: Self.monzoAccountPullOptions, delay: seconds)
        }
    }

    func testTunedJobs() throws {
        for (dir, version) in Self.versions where dir != "laravel8" {
            let captured = try capture("\(dir)/tuned.json")
            let job = JobClass("App\\Jobs\\TunedJob", properties: [
                Self.option("tries", .int(5)), Self.option("maxExceptions", .int(2)), Self.option("backoff", Self.list([10, 30, 60])),
                Self.option("timeout", .int(45)), Self.option("failOnTimeout", .bool(true)),
                Self.option("deleteWhenMissingModels", .bool(true)), JobProperty("reportId", .public, .int(4711)),
            ])
            let options = JobOptions(maxTries: 5, maxExceptions: 2, failOnTimeout: true, backoff: "10,30,60", timeout: 45,
                                     retryUntil: captured.retryUntil, deleteWhenMissingModels: true)
            try assertBuilds("\(dir)/tuned.json", version, job, options: options)
        }
    }

    func testFailingReleasingAndUniqueJobs() throws {
        for (dir, version) in Self.versions {
            try assertBuilds("\(dir)/fails.json", version, JobClass("App\\Jobs\\AlwaysFailsJob", properties: [
                Self.option("tries", .int(2)), Self.option("backoff", .int(1)),
                JobProperty("reason", .public, .string("peer: this job always fails — ünïcødé ✓")),
            ]), options: JobOptions(maxTries: 2, backoff: "1"))
            try assertBuilds("\(dir)/release.json", version, JobClass("App\\Jobs\\ReleasesItselfJob", properties: [
                Self.option("tries", .int(3)), JobProperty("releaseDelay", .public, .int(3)),
            ]), options: JobOptions(maxTries: 3))

            let unique = try capture("\(dir)/unique.json")
            var state = QueueableState()
            if let owner = try capturedCommand(unique)["uniqueLockOwner"] { state[.uniqueLockOwner] = owner }
            var hooks = JSONObject()
            hooks["illuminate:log:context"] = unique["illuminate:log:context"]
            try assertBuilds("\(dir)/unique.json", version, JobClass("App\\Jobs\\UniqueJob", properties: [
                Self.option("uniqueFor", .int(60)), JobProperty("accountId", .public, .string("acc_unique_1")),
            ]), state: state, hooks: hooks)
        }
    }

    func testChains() throws {
        for (dir, version) in Self.versions {
            let serializer = CommandSerializer(version: version)
            let next = try serializer.serialize(Self.monzoAccountData(Self.chainRawData), state: QueueableState(queue: "fetch"), shape: .serializesModels)
            var state = QueueableState(queue: "pull")
            state[.chainQueue] = .string("pull")
            state[.chainCatchCallbacks] = .array(PHPArray())
            state[.chained] = .array(PHPArray(list: [.string(next)]))
            try assertBuilds("\(dir)/chain.json", version, Self.monzoAccountPull(Self.integration()), state: state,
                             options: Self.monzoAccountPullOptions)

            var nextState = QueueableState(queue: "fetch")
            nextState[.chainQueue] = .string("pull")
            nextState[.chainCatchCallbacks] = .array(PHPArray())
            try assertBuilds("\(dir)/chain.next.json", version, Self.monzoAccountData(Self.chainRawData), state: nextState,
                             options: Self.monzoAccountDataOptions)
        }
    }

    func testEncryptedJobEnvelope() throws {
        for (dir, version) in Self.versions {
            let captured = try capture("\(dir)/encrypted.json")
            let job = QueuedJob(commandName: "App\\Jobs\\EncryptedJob", options: JobOptions(maxTries: 1),
                                command: .encrypted(try XCTUnwrap(captured.command)))
            let built = try PayloadBuilder(version: version).build(job, identity: identity(captured))
            XCTAssertEqual(built.rawText, captured.rawText, dir)
            // The plaintext is the command the serializer would write.
            let plaintext = try TestEnvironment.fixture("\(dir)/encrypted.command-plaintext.txt")
            let encryptedJob = JobClass("App\\Jobs\\EncryptedJob", properties: [
                Self.option("tries", .int(1)), JobProperty("accessToken", .protected, .string("tok_peer_0123456789")),
            ])
            XCTAssertEqual(try CommandSerializer(version: version).serialize(encryptedJob, shape: .serializesModels), plaintext, dir)
        }
    }

    func testLaravel8OnlyCases() throws {
        try assertBuilds("laravel8/noop.json", .v8, JobClass("App\\Jobs\\NoopJob"))
        let data = try capturedCommand(try capture("laravel8/monzo-data.json"))
        try assertBuilds("laravel8/monzo-data.json", .v8, Self.monzoAccountData(try XCTUnwrap(data["rawData"])),
                         state: QueueableState(queue: "fetch"), options: Self.monzoAccountDataOptions)
        let hook = try capturedCommand(try capture("laravel8/apple-health-webhook.json"))
        try assertBuilds("laravel8/apple-health-webhook.json", .v8, JobClass("App\\Jobs\\Webhook\\AppleHealth\\AppleHealthWebhookHook", properties: [
            Self.option("timeout", .int(60)), Self.option("tries", .int(3)), Self.option("backoff", Self.list([30, 120, 300])),
            JobProperty("webhookPayload", .protected, try XCTUnwrap(hook["webhookPayload"]), default: nil),
            JobProperty("headers", .protected, try XCTUnwrap(hook["headers"]), default: nil),
            .model("integration", .protected, Self.integration("7e9d8c6b-4a3f-4b2e-8d1c-0f9e8d7c6b5a")),
        ]), options: JobOptions(maxTries: 3, backoff: "30,120,300", timeout: 60))
    }

    /// The app's own jobs under Horizon on 12.26.4 (`fixtures/queue`, hand re-created: they lack the
    /// `"delay":null` real 12.11+ payloads carry, so that member is dropped from ours before comparing).
    func testAppJobsUnderHorizon() throws {
        struct AppJob { var file: String; var cls: String; var models: [String]; var others: [(String, Bool)]; var options: JobOptions }
        let jobs: [AppJob] = [
            AppJob(file: "check-integration-updates", cls: "App\\Jobs\\CheckIntegrationUpdates", models: [], others: [],
                   options: JobOptions(maxTries: 1, timeout: 60)),
            AppJob(file: "monzo-transaction-pull", cls: "App\\Jobs\\OAuth\\Monzo\\MonzoTransactionPull", models: ["integration"],
                   others: [("serviceName", false)], options: JobOptions(maxTries: 3, backoff: "60,300,600", timeout: 120)),
            AppJob(file: "monzo-transaction-data", cls: "App\\Jobs\\Data\\Monzo\\MonzoTransactionData", models: ["integration"],
                   others: [("accountId", true), ("rawData", false), ("serviceName", false)],
                   options: JobOptions(maxTries: 2, backoff: "120,300", timeout: 300)),
            AppJob(file: "apple-health-webhook-hook", cls: "App\\Jobs\\Webhook\\AppleHealth\\AppleHealthWebhookHook", models: ["integration"],
                   others: [("webhookPayload", false), ("headers", false), ("serviceName", false)],
                   options: JobOptions(maxTries: 3, backoff: "30,120,300", timeout: 60)),
            AppJob(file: "apple-health-metric-data", cls: "App\\Jobs\\Data\\AppleHealth\\AppleHealthMetricData", models: ["integration"],
                   others: [("rawData", false), ("serviceName", false)], options: JobOptions(maxTries: 2, backoff: "120,300", timeout: 300)),
        ]
        for app in jobs {
            let captured = try capture("queue/\(app.file).payload.json")
            let original = try capturedCommand(captured)
            // Own declarations in the captured order; options at their defaults; models as models.
            var properties: [JobProperty] = []
            if let t = app.options.maxTries { properties.append(Self.option("tries", .int(t))) }
            if let t = app.options.timeout { properties.append(Self.option("timeout", .int(t))) }
            var models: [ModelIdentifier] = []
            for p in original.properties {
                if let m = original.model(p.name) {
                    properties.append(.model(p.name, .protected, m))
                    models.append(m)
                } else {
                    properties.append(JobProperty(p.name, .protected, p.value, default: nil))
                }
            }
            XCTAssertEqual(original.properties.map(\.name).filter { !app.models.contains($0) }, app.others.map(\.0), app.file)
            let builder = PayloadBuilder(version: .v12, horizon: HorizonOptions(tags: HorizonOptions.modelTags(models)))
            let built = try builder.build(JobClass(app.cls, properties: properties), shape: .serializesModels,
                                          options: app.options, identity: identity(captured))
            XCTAssertEqual(built.commandBytes, try TestEnvironment.fixture("queue/\(app.file).command.bin"), app.file)
            XCTAssertEqual(built.id, built.uuid)
            XCTAssertEqual(built["delay"], .null)
            var withoutDelay = built.json
            withoutDelay["delay"] = nil
            XCTAssertEqual(String(decoding: try JSONWriter.encode(withoutDelay, options: .plain), as: UTF8.self), captured.rawText, app.file)
        }
    }

    // MARK: Builder rules

    func testFieldOrderPerVersion() throws {
        let job = JobClass("App\\Jobs\\NoopJob")
        let order: [(LaravelVersion, [String])] = [
            (LaravelVersion(8, 42), ["uuid", "displayName", "job", "maxTries", "maxExceptions", "backoff", "timeout", "retryUntil", "data", "id", "attempts"]),
            (LaravelVersion(8, 43), ["uuid", "displayName", "job", "maxTries", "maxExceptions", "failOnTimeout", "backoff", "timeout", "retryUntil", "data", "id", "attempts"]),
            (LaravelVersion(12, 11), ["uuid", "displayName", "job", "maxTries", "maxExceptions", "failOnTimeout", "backoff", "timeout", "retryUntil", "data", "createdAt", "id", "attempts", "delay"]),
            (.v13, ["uuid", "displayName", "job", "maxTries", "maxExceptions", "failOnTimeout", "backoff", "timeout", "retryUntil", "deleteWhenMissingModels", "data", "createdAt", "id", "attempts", "delay"]),
        ]
        for (version, keys) in order {
            let p = try PayloadBuilder(version: version).build(job, shape: .native)
            XCTAssertEqual(p.json.keys, keys, "\(version)")
        }
        XCTAssertEqual(try PayloadBuilder(version: LaravelVersion(12, 50)).build(job, shape: .native).data?.objectValue?.keys, ["commandName", "command"])
        XCTAssertEqual(try PayloadBuilder(version: LaravelVersion(12, 51)).build(job, shape: .native).data?.objectValue?.keys, ["commandName", "command", "batchId"])
        let horizon = try PayloadBuilder(version: .v12, horizon: HorizonOptions()).build(job, shape: .native, delay: 30)
        XCTAssertEqual(Array(horizon.json.keys.suffix(7)), ["id", "attempts", "delay", "type", "tags", "silenced", "pushedAt"])
        XCTAssertEqual(horizon["delay"], .null, "Horizon before PR #1759 drops the later() delay")
        XCTAssertEqual(try PayloadBuilder(version: .v12).build(job, shape: .native, delay: 30).delay, 30)
    }

    func testStringJobs() throws {
        let p = try PayloadBuilder(version: .v13).buildString(handler: "App\\Handlers\\Legacy@run", data: .object(JSONObject(["a": .int(1)])),
                                                               identity: PayloadIdentity(uuid: "u", id: "i", createdAt: 1_795_981_863, pushedAt: ""))
        XCTAssertEqual(p.rawText, #"{"uuid":"u","displayName":"App\\Handlers\\Legacy","job":"App\\Handlers\\Legacy@run","maxTries":null,"maxExceptions":null,"failOnTimeout":false,"backoff":null,"timeout":null,"data":{"a":1},"createdAt":1795981863,"id":"i","attempts":0,"delay":null}"#)
    }

    func testRandomIdentity() throws {
        let a = PayloadIdentity.random(), b = PayloadIdentity.random()
        XCTAssertNotEqual(a.uuid, b.uuid)
        XCTAssertNotNil(a.uuid.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression))
        XCTAssertNotNil(a.id.range(of: "^[A-Za-z0-9]{32}$", options: .regularExpression))
        XCTAssertNotEqual(a.id, b.id)
        XCTAssertEqual(PayloadIdentity.phpFloatString(1_795_981_914.972_61), "1795981914.9726")
        XCTAssertEqual(PayloadIdentity.phpFloatString(1_795_981_914.0), "1795981914")
    }

    func testRefusesPayloadsWithoutNumericAttempts() throws {
        var o = JSONObject(["job": .string("x"), "data": .object(JSONObject())])
        XCTAssertThrowsError(try Payload(encoding: o)) { XCTAssertEqual($0 as? PayloadValidator.Error, .missingAttempts) }
        o["attempts"] = .string("0")
        XCTAssertThrowsError(try Payload(encoding: o)) { XCTAssertEqual($0 as? PayloadValidator.Error, .attemptsNotANumber) }
        o["attempts"] = .number(try XCTUnwrap(JSONNumber(text: "0.5")))
        XCTAssertThrowsError(try Payload(encoding: o)) { XCTAssertEqual($0 as? PayloadValidator.Error, .attemptsNotAWholeNumber) }
        o["attempts"] = .int(0)
        XCTAssertNoThrow(try Payload(encoding: o))
    }

    func testInvalidUTF8InACommandFailsLikePHP() {
        let job = JobClass("App\\Jobs\\Binary", properties: [JobProperty("blob", .public, .string([0xFF, 0x00]))])
        XCTAssertThrowsError(try PayloadBuilder().build(job, shape: .native)) { XCTAssertEqual($0 as? JSONWriter.Error, .invalidUTF8) }
    }

    func testModelsNeedSerializesModels() {
        let job = Self.monzoAccountPull(Self.integration())
        XCTAssertThrowsError(try CommandSerializer(version: .v12).serialize(job, shape: .native))
    }

    func testSerializesModelsOrderAndInheritance() throws {
        // PHP 8.2, verified: native slots A, B, C own, traits; reflection: own, inherited (no parent privates), traits.
        let a = JobClass.Declaration(name: "A", properties: [JobProperty("a1", .public, .string("a"), default: .string("a")),
                                                               JobProperty("ap", .private, .string("ap")), JobProperty("apr", .protected, .string("apr"))])
        let b = JobClass.Declaration(name: "B", properties: [JobProperty("b1", .public, .string("b"))])
        let c = JobClass("C", properties: [JobProperty("c1", .public, .string("c")), JobProperty("cp", .private, .string("cp"))],
                         traits: [.custom(name: "T", properties: [JobProperty("t1", .public, .int(1)), JobProperty("tp", .private, .int(2))])],
                         ancestors: [b, a])
        let native = try CommandSerializer(version: .v12).serialize(c, shape: .native)
        let php = try ProcessRunner.phpCode("""
            trait T { public $t1 = 1; private $tp = 2; }
            class A { public $a1 = 'a'; private $ap = 'ap'; protected $apr = 'apr'; }
            class B extends A { public $b1 = 'b'; }
            class C extends B { use T; public $c1 = 'c'; private $cp = 'cp'; }
            echo serialize(new C);
            """)
        XCTAssertEqual(native, php.stdout)
        let reflected = try CommandSerializer(version: .v8).object(c, shape: .serializesModels)
        XCTAssertEqual(reflected.properties.map(\.name), ["c1", "cp", "b1", "a1", "apr", "t1", "tp"])
        XCTAssertEqual(reflected.properties[6].visibility, .private(declaringClass: "C"))
        let omitted = try CommandSerializer(version: .v12).object(c, shape: .serializesModels)
        XCTAssertEqual(omitted.properties.map(\.name), ["c1", "cp", "b1", "apr", "t1", "tp"], "a1 equals its default")
    }

    func testQueueablePropertiesPerVersion() {
        XCTAssertEqual(LaravelVersion(8, 18).queueableProperties.map(\.rawValue),
                       ["connection", "queue", "chainConnection", "chainQueue", "chainCatchCallbacks", "delay", "middleware", "chained"])
        XCTAssertEqual(LaravelVersion(12, 28, 0).queueableProperties.map(\.rawValue)[2], "group")
        XCTAssertEqual(LaravelVersion(12, 28, 1).queueableProperties.map(\.rawValue)[2], "messageGroup")
        XCTAssertEqual(LaravelVersion(13, 24).queueableProperties.count, 13)
        XCTAssertEqual(LaravelVersion(13, 23).queueableProperties.count, 12)
        XCTAssertEqual(LaravelVersion("v12.26.4"), .v12)
        XCTAssertFalse(LaravelVersion(9, 30).batchableHasFakeBatch)
        XCTAssertTrue(LaravelVersion(9, 31).batchableHasFakeBatch)
    }

    func testBatchableJobs() throws {
        let job = JobClass("Batched", properties: [], traits: [.interactsWithQueue, .queueable, .batchable])
        let p = try PayloadBuilder(version: .v12_67).build(job, state: QueueableState(batchId: "9f1c"), shape: .native)
        XCTAssertEqual(p.batchId, "9f1c")
        let command = try JobCommand(serialized: try XCTUnwrap(p.commandBytes))
        XCTAssertEqual(command["batchId"], .string("9f1c"))
        XCTAssertEqual(command.properties.last?.visibility, .private(declaringClass: "Batched"))
        // The same class declared in PHP with v12.67's trait properties serializes to the same bytes.
        let php = try ProcessRunner.phpCode("""
            trait I { public $job; }
            trait Q { public $connection; public $queue; public $messageGroup; public $deduplicator; public $delay;
                public $afterCommit; public $middleware = []; public $chained = []; public $chainConnection;
                public $chainQueue; public $chainCatchCallbacks; }
            trait B { public $batchId; private $fakeBatch; }
            class Batched { use I, Q, B; }
            $o = new Batched; $o->batchId = '9f1c'; echo serialize($o);
            """)
        XCTAssertEqual(command.serialized, php.stdout)
    }
}
