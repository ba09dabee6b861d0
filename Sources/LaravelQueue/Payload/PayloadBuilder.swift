import PHPSerialization
import PHPFormats

/// Builds new payloads byte-identical to what a given Laravel version (optionally with Horizon) pushes:
/// member order per spec §4.3, `json_encode(…, JSON_UNESCAPED_UNICODE)` (Horizon: plain `json_encode`).
/// Every payload goes through `PayloadValidator`.
public struct PayloadBuilder: Sendable {
    public var version: LaravelVersion
    public var horizon: HorizonOptions?

    public init(version: LaravelVersion = .app, horizon: HorizonOptions? = nil) {
        self.version = version
        self.horizon = horizon
    }

    public var commandSerializer: CommandSerializer { CommandSerializer(version: version) }

    /// Serializes `job` for this version and builds its payload.
    /// - Parameters:
    ///   - delay: the `later()` delay in seconds (written as `delay` from v12.11; the caller also sets the
    ///     `delay` Queueable property in `state` when the job itself was delayed).
    ///   - hooks: what `Queue::createPayloadUsing` callbacks would merge (e.g. `illuminate:log:context`).
    public func build(_ job: JobClass, state: QueueableState = QueueableState(), shape: CommandSerializer.Shape,
                      displayName: String? = nil, options: JobOptions = JobOptions(), delay: Int? = nil,
                      hooks: JSONObject = JSONObject(), identity: PayloadIdentity = .random()) throws -> Payload {
        let command = try commandSerializer.serialize(job, state: state, shape: shape)
        let queued = QueuedJob(commandName: job.name, displayName: displayName, options: options,
                               command: .serialized(command), batchId: state.batchId)
        return try build(queued, delay: delay, hooks: hooks, identity: identity)
    }

    /// Builds an object-job payload (`Queue::createObjectPayload` + `RedisQueue::createPayloadArray`).
    public func build(_ job: QueuedJob, delay: Int? = nil, hooks: JSONObject = JSONObject(),
                      identity: PayloadIdentity = .random()) throws -> Payload {
        var o = JSONObject()
        o["uuid"] = .string(identity.uuid)
        o["displayName"] = .string(job.displayName)
        o["job"] = .string("Illuminate\\Queue\\CallQueuedHandler@call")
        o["maxTries"] = .int(job.options.maxTries)
        o["maxExceptions"] = .int(job.options.maxExceptions)
        if version.payloadHasFailOnTimeout { o["failOnTimeout"] = .bool(job.options.failOnTimeout) }
        o["backoff"] = .string(job.options.backoff)
        o["timeout"] = .int(job.options.timeout)
        o["retryUntil"] = .int(job.options.retryUntil)
        if version.payloadHasDeleteWhenMissingModels {
            o["deleteWhenMissingModels"] = .bool(job.options.deleteWhenMissingModels)
        }
        var data = JSONObject()
        data["commandName"] = .string(job.commandName)
        switch job.command {
        case .serialized(let bytes): data["command"] = .string(bytes)
        case .encrypted(let text): data["command"] = .string(text)
        }
        if version.payloadHasBatchId { data["batchId"] = .string(job.batchId) }
        o["data"] = .object(data)
        return try finish(o, delay: delay, hooks: hooks, identity: identity)
    }

    /// Builds a string-job payload (`Queue::createStringPayload`): `handler` is `Class@method`.
    public func buildString(handler: String, data: JSONValue, delay: Int? = nil, hooks: JSONObject = JSONObject(),
                            identity: PayloadIdentity = .random()) throws -> Payload {
        var o = JSONObject()
        o["uuid"] = .string(identity.uuid)
        o["displayName"] = .string(String(handler.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)[0]))
        o["job"] = .string(handler)
        o["maxTries"] = .null
        o["maxExceptions"] = .null
        if version.payloadHasFailOnTimeout { o["failOnTimeout"] = .bool(false) }
        o["backoff"] = .null
        o["timeout"] = .null
        o["data"] = data
        return try finish(o, delay: delay, hooks: hooks, identity: identity)
    }

    /// createdAt, hooks, id, attempts, delay, then Horizon's re-encoding.
    private func finish(_ base: JSONObject, delay: Int?, hooks: JSONObject, identity: PayloadIdentity) throws -> Payload {
        var o = base
        if version.payloadHasCreatedAtAndDelay { o["createdAt"] = .int(identity.createdAt) }
        o.merge(hooks)
        o["id"] = .string(horizon == nil ? identity.id : identity.uuid)
        o["attempts"] = .int(0)
        if version.payloadHasCreatedAtAndDelay {
            let recorded = horizon.map { $0.recordsLaterDelay } ?? true
            o["delay"] = .int(recorded ? delay : nil)
        }
        guard let horizon else { return try Payload(encoding: o, options: .laravelPayload) }
        // Horizon: json_decode the framework's JSON, array_merge its fields, json_encode without flags.
        // Encoding first also surfaces the framework's own failure (invalid UTF-8) as PHP would.
        _ = try JSONWriter.encode(o, options: .laravelPayload)
        guard case .object(var prepared) = JSONValue.object(o).phpRoundTripped else { throw Payload.Error.notAnObject }
        prepared["type"] = .string(horizon.type)
        prepared["tags"] = .array(horizon.tags.map { .string($0) })
        prepared["silenced"] = .bool(horizon.silenced)
        prepared["pushedAt"] = .string(identity.pushedAt)
        return try Payload(encoding: prepared, options: .plain)
    }
}
