import PHPFormats
/// Laravel's `Bus\Dispatcher` for queued jobs, from Swift: builds the payload and serialized command a PHP
/// application of the job's version would push (spec §4, §5) and pushes them with `RedisQueue`'s
/// `pushRaw` / `laterRaw` / `bulk`, so PHP workers (or Shuttle) run the job. A `DispatchHook` adds what a layer
/// above needs around each push (Horizon: its payload fields, the pending row before, monitored tags after).
public struct Dispatcher: Sendable {
    /// Encrypts the commands of `ShouldBeEncrypted` jobs (`APP_KEY`); nil when none is configured.
    public let encrypter: Encrypter?
    /// Set when something must happen around each push (the app runs Horizon).
    public let hook: (any DispatchHook)?
    private let makeIdentity: @Sendable () -> PayloadIdentity

    /// - Parameter identity: the per-push uuid, id and times (random, as PHP's; fixed ones let tests compare bytes).
    public init(encrypter: Encrypter? = nil, hook: (any DispatchHook)? = nil,
                identity: @escaping @Sendable () -> PayloadIdentity = { PayloadIdentity.random() }) {
        self.encrypter = encrypter
        self.hook = hook
        self.makeIdentity = identity
    }

    /// Pushes `job.count` jobs on `queue` (the job's `queue`, else the connection's default): one `pushRaw`,
    /// a `bulk` (MULTI/EXEC) for several, or `laterRaw` per job when delayed. Returns them in push order.
    @discardableResult
    public func dispatch(_ job: PendingJob, on queue: any QueueDriver) async throws -> [DispatchedJob] {
        let payloads = try payloads(for: job)
        let name = queue.queueName(job.queue)
        try await hook?.willPush(payloads, connection: queue.connectionName, queue: name)
        let pushed = try await push(payloads, delay: job.delay, on: queue, name: name)
        await hook?.didPush(payloads)
        return pushed
    }

    private func push(_ payloads: [Payload], delay: Int?, on queue: any QueueDriver, name: String) async throws -> [DispatchedJob] {
        if let delay {
            let availableAt = queue.now + delay
            var pushed: [DispatchedJob] = []
            for payload in payloads {
                try await queue.later(payload, availableAt: availableAt, queue: name)
                pushed.append(dispatched(payload, queue: name, availableAt: availableAt))
            }
            return pushed
        }
        if payloads.count == 1 {
            try await queue.push(payloads[0], queue: name)
        } else {
            try await queue.bulk(payloads, queue: name)
        }
        return payloads.map { dispatched($0, queue: name, availableAt: nil) }
    }

    /// The `job.count` payloads `dispatch` would push, each with a fresh identity (and IV when encrypted).
    public func payloads(for job: PendingJob) throws -> [Payload] {
        try job.validate()
        let command = try serializedCommand(job)
        let options = try job.payloadOptions()
        return try (0..<job.count).map { _ in try payload(job, command: command, options: options, identity: makeIdentity()) }
    }

    /// One payload of `job` with the given identity.
    public func payload(for job: PendingJob, identity: PayloadIdentity) throws -> Payload {
        try job.validate()
        return try payload(job, command: try serializedCommand(job), options: try job.payloadOptions(), identity: identity)
    }

    /// `serialize(clone $job)`: the plain command (before any encryption).
    public func serializedCommand(_ job: PendingJob) throws -> [UInt8] {
        try job.validate()
        return try CommandSerializer(version: job.version).serialize(job.jobClass, state: job.queueableState, shape: job.commandShape)
    }

    private func payload(_ job: PendingJob, command: [UInt8], options: JobOptions, identity: PayloadIdentity) throws -> Payload {
        let body: QueuedJob.Command
        if job.encrypted {
            guard let encrypter else { throw DispatchError.encryptionNeedsAppKey }
            body = .encrypted(try encrypter.encryptCommand(command))
        } else {
            body = .serialized(command)
        }
        let queued = QueuedJob(commandName: job.className, displayName: job.displayName, options: options, command: body)
        return try PayloadBuilder(version: job.version, horizon: hook?.horizonOptions(for: job)).build(queued, delay: job.delay, identity: identity)
    }

    private func dispatched(_ payload: Payload, queue: String, availableAt: Int?) -> DispatchedJob {
        DispatchedJob(uuid: payload.uuid ?? "", id: payload.id ?? "", queue: queue, availableAt: availableAt, payload: payload)
    }
}
