import AppleHealth
import Foundation
import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import TestSupport

/// Runs the Apple Health jobs as the worker would: each from a real payload, its command unserialized, through
/// `JobContext`; the hook's processing jobs taken from the queue it pushed them on.
struct AppleHealthJobRunner {
    static let secret = "S3cr3tW3bh00kS3cr3tW3bh00kS3cr3t"
    static let seed = SparkTestDatabase.Seed(service: "apple_health", accountId: secret, instanceTypes: ["workouts", "metrics"],
                                             instanceAccountId: secret)
    /// `expected-rows.json`'s placeholder integration ids.
    static let instances = ["1ee00000-0000-4000-8000-0000000000w1": "workouts", "1ee00000-0000-4000-8000-0000000000m1": "metrics"]

    let database: SparkTestDatabase
    var clock: SparkClock
    var settings = AppleHealthSettings()
    /// The hook reads its command's bytes (false: from the unserialized command).
    var streams = true
    var log = LogCapture()

    init(_ database: SparkTestDatabase, at time: String = "2025-08-14T06:00:00Z") {
        self.database = database
        clock = SparkClock(fixedAt: time)!
    }

    var store: SparkStore { database.store(at: clock) }

    /// A JSON text as PHP's `json_decode($json, true)` gives it.
    static func php(_ json: String) throws -> PHPValue {
        try PropertyJSON.phpValue(try JSONParser.parse(json), property: "rawData")
    }

    static func fixture(_ name: String) throws -> PHPValue {
        try PropertyJSON.phpValue(try JSONParser.parse(try TestEnvironment.fixture("apple-health/\(name)")), property: "rawData")
    }

    func identifier(_ instance: String) -> ModelIdentifier {
        ModelIdentifier(modelClass: SparkIntegration.phpClass, id: .string(database.integrations[instance]!), relations: [],
                        connection: "pgsql")
    }

    /// A processing job as the hook dispatches it.
    func processingJob(_ className: String, instance: String, rawData: PHPValue) -> PendingJob {
        AppleHealthWebhookHook.processingJob(className, integration: identifier(instance), rawData: rawData,
                                             serviceName: "apple_health", queue: "pull", version: .app)
    }

    /// The hook as `WebhookController` pushes it (spec §4.4, §6.3): the request input, the header bag (lower-cased
    /// names → lists of strings) and the integration, relations `[]`.
    func hookJob(instance: String, payload: PHPValue, secret: String? = AppleHealthJobRunner.secret) -> PendingJob {
        var headers = PHPArray()
        headers["content-type"] = .array(PHPArray(list: [.string("application/json")]))
        if let secret { headers["x-webhook-secret"] = .array(PHPArray(list: [.string(secret)])) }
        let backoff = PHPValue.array(PHPArray(list: [.int(30), .int(120), .int(300)]))
        return PendingJob(className: AppleHealthWebhookHook.phpClass, properties: [
            .model("integration", .protected, identifier(instance)),
            JobProperty("webhookPayload", .protected, payload, default: nil),
            JobProperty("headers", .protected, .array(headers), default: nil),
            JobProperty("serviceName", .protected, .string("apple_health"), default: nil),
            JobProperty("tries", .public, .int(3), default: .int(3)),
            JobProperty("timeout", .public, .int(60), default: .int(60)),
            JobProperty("backoff", .public, backoff, default: backoff),
        ], version: .app, shape: .serializesModels)
    }

    func handler(_ className: String, queue: InMemoryQueue? = nil) -> any JobHandler {
        switch className {
        case AppleHealthWorkoutData.phpClass: return AppleHealthWorkoutData(store: store)
        case AppleHealthMetricData.phpClass: return AppleHealthMetricData(store: store)
        default: return AppleHealthWebhookHook(store: store, settings: settings, queue: queue, streams: streams)
        }
    }

    func run(_ job: PendingJob) async throws {
        try await handler(job.className).handle(try JobContext.testing(job, queue: "pull", logger: log.logger))
    }

    func workout(_ raw: PHPValue) async throws {
        try await run(processingJob(AppleHealthWorkoutData.phpClass, instance: "workouts", rawData: raw))
    }

    func metric(_ raw: PHPValue) async throws {
        try await run(processingJob(AppleHealthMetricData.phpClass, instance: "metrics", rawData: raw))
    }

    /// Runs the hook, then every job it pushed (in push order); returns the pushed payloads.
    @discardableResult
    func hook(instance: String, payload: PHPValue, secret: String? = AppleHealthJobRunner.secret, horizon: Bool = false) async throws -> [Payload] {
        let queue = InMemoryQueue(defaultQueue: "pull")
        let job = hookJob(instance: instance, payload: payload, secret: secret)
        let context: JobContext
        if horizon {
            // Pushed through Horizon's RedisQueue: its payload fields, as PHP's Horizon writes them.
            let pushed = try PayloadBuilder(version: .app, horizon: HorizonOptions(type: "job", tags: ["App\\Models\\Integration:x"]))
                .build(QueuedJob(commandName: job.className, displayName: job.className, options: try job.payloadOptions(),
                                 command: .serialized(try Dispatcher().serializedCommand(job))), delay: nil, identity: PayloadIdentity.random())
            let redisJob = RedisJob(connectionName: "redis", queue: "pull", rawBody: pushed.rawBytes,
                                    reserved: try pushed.withAttempts(1).rawBytes, payload: pushed)
            context = JobContext(job: redisJob, command: try CommandDecoding.command(of: pushed, encrypter: nil), logger: log.logger)
        } else {
            context = try JobContext.testing(job, queue: "pull", logger: log.logger)
        }
        try await handler(AppleHealthWebhookHook.phpClass, queue: queue).handle(context)
        var payloads: [Payload] = []
        while true {
            let popped = try await queue.pop(queue: "pull")
            guard let job = popped.jobs.first else { break }
            payloads.append(job.payload)
            let context = JobContext(job: job, command: try CommandDecoding.command(of: job.payload, encrypter: nil),
                                     logger: log.logger)
            try await handler(job.payload.displayName ?? "").handle(context)
            try await queue.delete(job)
        }
        return payloads
    }

    /// `expected-rows.json`'s `_scenario`: one workout job per element of workouts.json, then one metric job per
    /// element of metrics.json.
    static func replayScenario(_ database: SparkTestDatabase) async throws {
        let runner = AppleHealthJobRunner(database)
        for workout in try fixture("workouts.json")[php: "workouts"]!.arrayValue!.values { try await runner.workout(workout) }
        for metric in try fixture("metrics.json")[php: "metrics"]!.arrayValue!.values { try await runner.metric(metric) }
    }
}
