import Logging
import PHPSerialization
import Synchronization
import PHPFormats

/// What a handler gets for one attempt of one job: Laravel's `$this->job` plus the decoded command.
public final class JobContext: Sendable {
    public let job: RedisJob
    /// The unserialized `data.command` (decrypted when needed): class and properties, ModelIdentifiers as such.
    public let command: PHPObject?
    public let logger: Logger
    /// The handler running this job; nil when the job is failed before one was found.
    public let handler: (any JobHandler)?
    /// The worker this attempt runs in, for middleware that acts on the queue (the bus's chains).
    public let environment: JobEnvironment?
    private let state = Mutex(State())

    struct State {
        var released: Int?
        var deleted = false
        var failure: (any Error)?
        var secrets: [[UInt8]] = []
    }

    public init(job: RedisJob, command: PHPObject?, logger: Logger, handler: (any JobHandler)? = nil,
                environment: JobEnvironment? = nil) {
        self.job = job
        self.command = command
        self.logger = logger
        self.handler = handler
        self.environment = environment
    }

    /// Laravel's `attempts()`: 1 on the first run.
    public var attempts: Int { job.attempts }
    public var payload: Payload { job.payload }

    /// A property of the command by name, whatever its visibility.
    public func property(_ name: String) -> PHPValue? { command?[name] }

    /// Release back onto the queue after `delay` seconds (Laravel's `$this->release($delay)`).
    public func release(delay: Int = 0) { state.withLock { $0.released = delay } }

    /// Delete the job without failing it.
    public func delete() { state.withLock { $0.deleted = true } }

    /// Fail the job for good (Laravel's `$this->fail($e)`), whatever attempts remain.
    public func fail(_ error: any Error = JobException("Illuminate\\Queue\\ManuallyFailedException", "")) {
        state.withLock { $0.failure = error }
    }

    /// Names bytes of this job's payload as a secret (a webhook secret in a header bag): if the job fails, its
    /// failed_jobs row and any log of its payload show `*` in their place. Call it before anything can fail.
    public func treatAsSecret(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        state.withLock { if !$0.secrets.contains(bytes) { $0.secrets.append(bytes) } }
    }

    /// What `treatAsSecret` named so far.
    package var secrets: [[UInt8]] { state.withLock { $0.secrets } }

    /// The delay the handler asked for with `release`, nil when it did not.
    public var releaseDelay: Int? { state.withLock { $0.released } }
    public var isDeleted: Bool { state.withLock { $0.deleted } }
    public var requestedFailure: (any Error)? { state.withLock { $0.failure } }
    public var isDeletedOrReleased: Bool { state.withLock { $0.deleted || $0.released != nil } }
}
