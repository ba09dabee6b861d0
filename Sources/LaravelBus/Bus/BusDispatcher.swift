#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPSerialization
import LaravelQueue
import PHPFormats

/// Laravel's `dispatch($job)` for a job object Shuttle holds as data (a chained job): the unique-lock check
/// of `PendingDispatch`, then `Dispatcher::dispatchToQueue` — a brand-new payload (new uuid and id) of the
/// configured version, pushed to the job's connection and queue, or delayed by its `delay`.
///
/// What PHP would read from methods cannot be evaluated: `displayName()`, `tries()`, `backoff()`,
/// `retryUntil()`, `uniqueId()`… come from public properties, or from a `QueueableJobHandler` /
/// `UniqueJobHandler` registered for the class. `ShouldBeEncrypted` is invisible in the data: the job is
/// encrypted when it has a truthy `shouldBeEncrypted` property or when the job dispatching it was encrypted
/// (PHP reads encrypted and plain commands alike).
struct BusDispatcher: Sendable {
    let queue: any QueueDriver
    let registry: JobRegistry
    let services: WorkerServices
    let bus: BusServices

    enum Error: Swift.Error, CustomStringConvertible {
        case unknownConnection(String)
        case noEncrypter(jobClass: String)
        case unsupportedDelay(jobClass: String)

        var description: String {
            switch self {
            case .unknownConnection(let c):
                return "queue connection \(c) is not one Shuttle knows (BusServices.connections)"
            case .noEncrypter(let c): return "\(c) must be encrypted and no APP_KEY is configured"
            case .unsupportedDelay(let c): return "\(c) has a delay that is neither seconds nor a date"
            }
        }
    }

    /// What was pushed; nil when the job was not dispatched because its unique lock is held.
    struct Dispatched: Sendable {
        var payload: Payload
        var connection: String
        var queue: String
        var delay: Int?
    }

    /// - Parameter parent: the job being run, whose log context (v11+) and encryption the new job inherits.
    func dispatch(_ job: PHPObject, parent: JobContext) async throws -> Dispatched? {
        var command = job
        let version = services.laravelVersion
        let connectionName = command["connection"]?.stringValue ?? bus.defaultConnection ?? queue.connectionName
        let target: any QueueDriver
        if connectionName == queue.connectionName {
            target = queue
        } else if let other = bus.connections[connectionName] {
            target = other
        } else {
            throw Error.unknownConnection(connectionName)
        }

        let handler = registry.handler(for: command.className)
        if let unique = handler as? any UniqueJobHandler {
            let lock = UniqueLock(version: version)
            guard try await lock.acquire(&command, handler: unique, defaultLocks: bus.locks) else { return nil }
        }

        let now = target.now
        var delay: Int?
        switch command["delay"] {
        case nil, .null?: delay = nil
        case .object(let date)?:
            guard let at = PHPDateTime.timestamp(date) else { throw Error.unsupportedDelay(jobClass: command.className) }
            delay = max(0, at - now)
        case let value?:
            guard let seconds = PHPStringCast.int(value) else { throw Error.unsupportedDelay(jobClass: command.className) }
            delay = seconds
        }

        var options = JobOptions(properties: command, now: now)
        var displayName: String?
        if let queueable = handler as? any QueueableJobHandler {
            options = queueable.payloadOptions(for: command, fromProperties: options)
            displayName = queueable.displayName(for: command)
        }

        let serialized = PHPSerializer.serialize(.object(command))
        let body: QueuedJob.Command
        if command["shouldBeEncrypted"]?.isTruthy == true || parent.payload.isCommandEncrypted {
            guard let encrypter = services.encrypter else { throw Error.noEncrypter(jobClass: command.className) }
            body = .encrypted(try encrypter.encryptCommand(serialized))
        } else {
            body = .serialized(serialized)
        }

        // v11+ workers restore the job's log Context, which every payload pushed meanwhile carries on.
        var hooks = JSONObject()
        if version.major >= 11, let context = parent.payload["illuminate:log:context"] {
            hooks["illuminate:log:context"] = context.phpRoundTripped
        }
        let queued = QueuedJob(commandName: command.className, displayName: displayName, options: options,
                               command: body, batchId: command["batchId"]?.stringValue)
        let payload = try PayloadBuilder(version: version, horizon: bus.horizon).build(queued, delay: delay, hooks: hooks)
        // `isset($command->queue)` then `getQueue($queue ?: default)`.
        let queueName = command["queue"].map(PHPStringCast.string).flatMap { $0.isEmpty ? nil : $0 }
        if let delay {
            try await target.later(payload, availableAt: target.now + max(0, delay), queue: queueName)
        } else {
            try await target.push(payload, queue: queueName)
        }
        return Dispatched(payload: payload, connection: connectionName, queue: queueName ?? target.defaultQueue, delay: delay)
    }
}
