import LaravelQueue
import Logging
import PHPSerialization

extension AppleHealthWebhookHook {
    /// The hook's properties found in its serialized command: the small ones decoded, the upload as a byte range.
    struct ScannedCommand {
        var integration: ModelIdentifier
        var webhookPayload: Range<Int>
        var headers: PHPValue
        var serviceName: String
    }

    /// Reads the command's properties by name whatever their visibility; throws (for the unserializing path to
    /// take over, with its errors) when one is missing or the upload is not an array.
    static func scan(_ scanner: SerializedScanner) throws -> ScannedCommand {
        guard scanner.bytes.first == UInt8(ascii: "O") else { throw SerializedScanner.Unsupported() }
        var integration: ModelIdentifier?, payload: Range<Int>?, headers: PHPValue?, service: String?
        for entry in try scanner.entries(0) {
            switch scanner.keyText(entry.key) {
            case "integration":
                if case .object(let object) = try scanner.decode(entry.value) { integration = ModelIdentifier(object) }
            case "webhookPayload":
                if scanner.isArray(entry.value) { payload = entry.value }
            case "headers": headers = try scanner.decode(entry.value)
            case "serviceName": service = try scanner.decode(entry.value).stringValue
            default: continue
            }
        }
        guard let integration, let payload, case .array? = headers, let headers else { throw SerializedScanner.Unsupported() }
        return ScannedCommand(integration: integration, webhookPayload: payload, headers: headers,
                              serviceName: service ?? AppleHealthIntegration.service)
    }

    /// `split` on the command's bytes: the same items in the same order, each `rawData` handed to `visit` as
    /// serialized bytes (a long series cut into chunks whose points are copied byte for byte, renumbered).
    static func splitBytes(_ scanner: SerializedScanner, payload: Range<Int>, mode: String, chunkSize: Int, logger: Logger,
                           visit: (String, [UInt8]) async throws -> Void) async throws {
        let bytes = scanner.bytes
        func member(_ array: Range<Int>, _ name: String) throws -> Range<Int>? {
            guard scanner.isArray(array) else { return nil }
            return try scanner.entries(array.lowerBound).first { scanner.keyText($0.key) == name }?.value
        }
        func isNull(_ range: Range<Int>) -> Bool { bytes[range.lowerBound] == UInt8(ascii: "N") }

        var body = payload
        if let inner = try member(payload, "payload"), let data = try member(inner, "data"), scanner.isArray(data) {
            body = data
        } else if let data = try member(payload, "data"), scanner.isArray(data) {
            body = data  // Health Auto Export's own envelope (⚠ not unwrapped at 373618f)
        }
        guard let (key, className) = target(mode: mode, logger: logger) else { return }
        guard let list = try member(body, key), !isNull(list) else {
            logger.notice("Apple Health upload has no \(key)")
            return
        }
        guard scanner.isArray(list), case let elements = try scanner.entries(list.lowerBound), scanner.isList(elements) else {
            logger.warning("Apple Health upload skipped: \(key) is not a list")
            return
        }
        for (index, element) in elements.enumerated() {
            let object = scanner.isArray(element.value) ? try scanner.entries(element.value.lowerBound) : []
            guard !object.isEmpty, !scanner.isList(object) else {
                logger.warning("Apple Health \(key) item skipped: not an object", metadata: ["index": "\(index)"])
                continue
            }
            if mode == "workouts" {
                try await visit(className, Array(bytes[element.value]))
                continue
            }
            guard let data = object.first(where: { scanner.keyText($0.key) == "data" }), scanner.isArray(data.value),
                  case let points = try scanner.entries(data.value.lowerBound), !points.isEmpty else {
                logger.warning("Apple Health metric skipped: no data points", metadata: ["index": "\(index)"])
                continue
            }
            // A `data` that is not a list goes whole: the processing job says why it writes nothing.
            guard points.count > chunkSize, scanner.isList(points) else {
                try await visit(className, Array(bytes[element.value]))
                continue
            }
            for start in stride(from: 0, to: points.count, by: chunkSize) {
                let slice = points[start..<min(points.count, start + chunkSize)]
                var chunk = Array("a:\(object.count):{".utf8)
                for entry in object {
                    guard entry.key == data.key else {
                        chunk += bytes[entry.key.lowerBound..<entry.value.upperBound]
                        continue
                    }
                    chunk += bytes[entry.key]
                    chunk += Array("a:\(slice.count):{".utf8)
                    for (offset, point) in slice.enumerated() {
                        SerializedScanner.appendIntKey(offset, to: &chunk)
                        chunk += bytes[point.value]
                    }
                    chunk.append(UInt8(ascii: "}"))
                }
                chunk.append(UInt8(ascii: "}"))
                try await visit(className, chunk)
            }
        }
    }

    /// Pushes processing jobs as the hook's PHP `dispatch` would (see `processingJob`), on the queue the hook came
    /// from, with Horizon's payload fields when the hook came through Horizon.
    struct Pusher {
        let queue: any QueueDriver
        let integration: ModelIdentifier
        let serviceName: String
        let queueName: String
        let version: LaravelVersion
        let horizon: HorizonPayloadFields?

        init(context: JobContext, queue: (any QueueDriver)?, integration: ModelIdentifier, serviceName: String) throws {
            guard let queue = queue ?? context.environment?.queue else { throw AppleHealthJobError.noQueue.jobException }
            self.queue = queue
            self.integration = integration
            self.serviceName = serviceName
            queueName = context.job.queue
            version = context.environment?.services.laravelVersion ?? .app
            horizon = HorizonPayloadFields.cameThroughHorizon(context.payload) ? HorizonPayloadFields() : nil
        }

        /// A job whose `rawData` is a value.
        func callAsFunction(_ className: String, rawData: PHPValue) async throws {
            let job = processingJob(className, integration: integration, rawData: rawData, serviceName: serviceName,
                                    queue: queueName, version: version)
            try await Dispatcher(hook: horizon).dispatch(job, on: queue)
        }

        /// A job whose `rawData` is already serialized: the command is serialized around a placeholder string,
        /// which the bytes then replace.
        func callAsFunction(_ className: String, rawData: [UInt8]) async throws {
            let marker = "\u{1}shuttle:apple-health:rawData\u{1}"
            let job = processingJob(className, integration: integration, rawData: .string(marker), serviceName: serviceName,
                                    queue: queueName, version: version)
            let dispatcher = Dispatcher(hook: horizon)
            var command = try dispatcher.serializedCommand(job)
            let needle = Array("s:\(marker.utf8.count):\"\(marker)\";".utf8)
            guard let at = command.firstRange(of: needle) else { throw SerializedScanner.Unsupported() }
            command.replaceSubrange(at, with: rawData)
            let queued = QueuedJob(commandName: job.className, displayName: job.displayName, options: try job.payloadOptions(),
                                   command: .serialized(command))
            let payload = try PayloadBuilder(version: job.version, horizon: horizon?.horizonOptions(for: job))
                .build(queued, delay: nil, identity: PayloadIdentity.random())
            try await queue.push(payload, queue: queue.queueName(job.queue))
        }
    }
}
