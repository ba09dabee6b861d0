import LaravelQueue
import Logging
import PHPFormats
import PHPSerialization
import Spark

/// `App\Jobs\Webhook\AppleHealth\AppleHealthWebhookHook` (spec §8.3): checks the webhook secret, finds the
/// upload's workouts or metrics (by the integration's instance type) and dispatches one processing job per
/// workout and per metric series, a long series split into chunks of at most `settings.chunkSize` points.
///
/// Intended behaviour, not 373618f's (⚠ §8.3): the secret is the `x-webhook-secret` header the app's
/// controller copies from the URL (compared in constant time with the integration's `account_id`), and the
/// app's native `{"data": {…}}` envelope is unwrapped as well as `payload.data`. The sanitised payload log file
/// of `logWebhookPayload` is not written: Shuttle logs counts only, never the upload or its headers.
public struct AppleHealthWebhookHook: JobHandler {
    public static let phpClass = "App\\Jobs\\Webhook\\AppleHealth\\AppleHealthWebhookHook"

    let store: SparkStore
    let settings: AppleHealthSettings
    /// Where the processing jobs go; nil: the queue the hook came from (the worker's).
    let queue: (any QueueDriver)?
    /// Read the command's bytes with `SerializedScanner` (false: always unserialize; tests compare both).
    let streams: Bool

    public init(store: SparkStore, settings: AppleHealthSettings = AppleHealthSettings(), queue: (any QueueDriver)? = nil) {
        self.init(store: store, settings: settings, queue: queue, streams: true)
    }

    package init(store: SparkStore, settings: AppleHealthSettings, queue: (any QueueDriver)?, streams: Bool) {
        self.store = store
        self.settings = settings
        self.queue = queue
        self.streams = streams
    }

    /// The hook reads its command's bytes itself (`SerializedScanner`): a daily export is not held a second time as
    /// values.
    public var decodesCommand: Bool { false }

    public func handle(_ context: JobContext) async throws {
        if streams, let bytes = context.payload.commandBytes {
            let scanner = SerializedScanner(bytes: bytes)
            if let command = try? Self.scan(scanner) {
                try await handleScanned(command, scanner: scanner, context: context)
                return
            }
        }
        // Anything the scanner does not take (an encrypted command, a payload sent as text, references): values.
        if streams { context.logger.debug("Apple Health hook reads its unserialized command") }
        let command = try context.command ?? CommandDecoding.command(of: context.payload, encrypter: context.environment?.services.encrypter)
        try await handleDecoded({ command?[$0] }, context: context)
    }

    /// The upload read from the command's bytes, each processing job's `rawData` copied as bytes.
    func handleScanned(_ command: ScannedCommand, scanner: SerializedScanner, context: JobContext) async throws {
        context.treatAsSecret(Self.providedSecret(in: command.headers))
        let integration = try await store.write { writer in try await writer.integration(command.integration) }
        try Self.validate(headers: command.headers, expected: integration.accountId)
        let mode = integration.instanceType ?? "workouts"
        let push = try Pusher(context: context, queue: queue, integration: command.integration, serviceName: command.serviceName)
        var jobs = 0
        try await Self.splitBytes(scanner, payload: command.webhookPayload, mode: mode, chunkSize: settings.chunkSize,
                                  logger: context.logger) { className, rawData in
            try await push(className, rawData: rawData)
            jobs += 1
        }
        log(jobs: jobs, integration: integration.id, mode: mode, logger: context.logger)
    }

    /// The upload read from the unserialized command.
    func handleDecoded(_ property: (String) -> PHPValue?, context: JobContext) async throws {
        let input = try AppleHealthJobInput(property, className: Self.phpClass, dataProperty: "webhookPayload")
        guard let headers = property("headers"), case .array = headers else {
            throw AppleHealthJobError.missingProperty(className: Self.phpClass, "headers").jobException
        }
        context.treatAsSecret(Self.providedSecret(in: headers))
        let integration = try await store.write { writer in try await writer.integration(input.integration) }
        try Self.validate(headers: headers, expected: integration.accountId)

        let payload = try Self.upload(input.data)
        let mode = integration.instanceType ?? "workouts"
        let items = Self.split(payload, mode: mode, chunkSize: settings.chunkSize, logger: context.logger)
        if !items.isEmpty {
            let push = try Pusher(context: context, queue: queue, integration: input.integration, serviceName: input.serviceName)
            for item in items { try await push(item.className, rawData: item.rawData) }
        }
        log(jobs: items.count, integration: integration.id, mode: mode, logger: context.logger)
    }

    private func log(jobs: Int, integration: String, mode: String, logger: Logger) {
        guard jobs > 0 else {
            logger.notice("Apple Health upload held nothing to process", metadata: ["integration": "\(integration)", "mode": "\(mode)"])
            return
        }
        logger.info("Apple Health upload split", metadata: ["integration": "\(integration)", "mode": "\(mode)", "jobs": "\(jobs)"])
    }

    /// The secret check: header `x-webhook-secret` (first value) against the integration's `account_id`.
    static func validate(headers: PHPValue, expected: String?) throws {
        let provided = providedSecret(in: headers)
        let secret = Array((expected ?? "").utf8)
        guard !provided.isEmpty, !secret.isEmpty else { throw AppleHealthJobError.missingSecret.jobException }
        guard constantTimeEqual(provided, secret) else { throw AppleHealthJobError.invalidSecret.jobException }
    }

    /// The `x-webhook-secret` header's first value (empty when there is none). The job names it a secret at once
    /// (`treatAsSecret`), so a failure for any reason writes no secret into failed_jobs.
    static func providedSecret(in headers: PHPValue) -> [UInt8] {
        guard case .array(let bag) = headers, let header = bag["x-webhook-secret"] else { return [] }
        switch header {
        case .string(let bytes): return bytes
        case .array(let values): if case .string(let bytes)? = values.values.first { return bytes }
        default: break
        }
        return []
    }

    /// Compares every byte whatever the first difference, so timing tells nothing of the secret.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0 && a.count == b.count
    }

    /// The upload as the app's request input holds it: an array; a body that reached the job as text is parsed
    /// as JSON (an error naming the position when it is not).
    static func upload(_ value: PHPValue) throws -> PHPValue {
        switch value {
        case .array: return value
        case .string(let bytes):
            let json: JSONValue
            do { json = try JSONParser.parse(bytes) } catch { throw AppleHealthJobError.notJSON("\(error)").jobException }
            guard case .object = json else { throw AppleHealthJobError.notJSON("not a JSON object").jobException }
            return try PropertyJSON.phpValue(json, property: "webhookPayload")
        default:
            throw AppleHealthJobError.notJSON("the webhook payload is neither an object nor JSON text").jobException
        }
    }

    struct Item {
        var className: String
        var rawData: PHPValue
    }

    /// The processing jobs of one upload (spec §8.3 step 3), in the upload's order.
    /// The upload's list an instance type processes and the job class its items go to; nil (logged) for a type
    /// that processes nothing.
    static func target(mode: String, logger: Logger) -> (key: String, className: String)? {
        switch mode {
        case "workouts": return ("workouts", AppleHealthWorkoutData.phpClass)
        case "metrics": return ("metrics", AppleHealthMetricData.phpClass)
        default:
            logger.notice("Apple Health hook: instance type \(mode) processes nothing")
            return nil
        }
    }

    static func split(_ payload: PHPValue, mode: String, chunkSize: Int, logger: Logger) -> [Item] {
        var body = payload
        if case .array? = payload[php: "payload"]?[php: "data"] {
            body = payload[php: "payload"]![php: "data"]!
        } else if case .array? = payload[php: "data"] {
            body = payload[php: "data"]!  // Health Auto Export's own envelope (⚠ not unwrapped at 373618f)
        }
        guard let (key, className) = target(mode: mode, logger: logger) else { return [] }
        guard let list = body[php: key] else {
            logger.notice("Apple Health upload has no \(key)")
            return []
        }
        guard case .array(let elements) = list, elements.isList else {
            logger.warning("Apple Health upload skipped: \(key) is not a list")
            return []
        }
        var items: [Item] = []
        for (index, element) in elements.values.enumerated() {
            guard case .array(let object) = element, !object.isList, object.count > 0 else {
                logger.warning("Apple Health \(key) item skipped: not an object", metadata: ["index": "\(index)"])
                continue
            }
            if mode == "workouts" {
                items.append(Item(className: className, rawData: element))
                continue
            }
            guard case .array(let points)? = object["data"], points.count > 0 else {
                logger.warning("Apple Health metric skipped: no data points", metadata: ["index": "\(index)"])
                continue
            }
            // A `data` that is not a list goes whole: the processing job says why it writes nothing.
            guard points.count > chunkSize, points.isList else {
                items.append(Item(className: className, rawData: element))
                continue
            }
            // One job per `chunkSize` points, each the metric object with its other keys in place.
            let dataIndex = object.entries.firstIndex { $0.key == .string("data") }!
            for start in stride(from: 0, to: points.count, by: chunkSize) {
                var chunk = object
                chunk.entries[dataIndex].value = .array(PHPArray(list: Array(points.values[start..<min(points.count, start + chunkSize)])))
                items.append(Item(className: className, rawData: .array(chunk)))
            }
        }
        return items
    }

    /// A processing job as the hook's PHP `dispatch` pushes it (spec §4.4): `integration`, `rawData`,
    /// `serviceName` protected; tries 2, timeout 300, backoff 120/300 from the class's public defaults; on the
    /// hook's own queue, which the later app names explicitly (`onQueue('pull')`, spec §12).
    package static func processingJob(_ className: String, integration: ModelIdentifier, rawData: PHPValue, serviceName: String,
                              queue: String, version: LaravelVersion) -> PendingJob {
        let backoff = PHPValue.array(PHPArray(list: [.int(120), .int(300)]))
        let properties: [JobProperty] = [
            .model("integration", .protected, integration),
            JobProperty("rawData", .protected, rawData, default: nil),
            JobProperty("serviceName", .protected, .string(serviceName), default: nil),
            JobProperty("tries", .public, .int(2), default: .int(2)),
            JobProperty("timeout", .public, .int(300), default: .int(300)),
            JobProperty("backoff", .public, backoff, default: backoff),
        ]
        return PendingJob(className: className, properties: properties, queue: queue, version: version, shape: .serializesModels)
    }
}
