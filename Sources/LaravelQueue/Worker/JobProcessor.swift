#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import PHPSerialization
import PHPFormats

/// How one attempt of one job ended, for the worker's bookkeeping.
public enum JobOutcome: Sendable, Equatable {
    case deleted
    case released(delay: Int)
    case failed
    case handedBack
    /// Timed out and left reserved: it reappears after `retry_after` (or was failed when the rules say so).
    case timedOut(failed: Bool)
}

/// The lifecycle of one reserved job, with Laravel's semantics (spec §6.2–§6.6): the max-attempts pre-check,
/// the handler under a timeout, then delete, release with backoff, or fail.
///
/// A class: every job's task and timeout closure captures it, and copying a struct of this many fields
/// retained each of them.
final class JobProcessor: Sendable {
    let queue: any QueueDriver
    let registry: JobRegistry
    let services: WorkerServices
    let tries: Int
    let backoff: String
    let timeout: Int
    /// Shares round trips between the deletes of jobs finishing at the same time.
    let deletes: DeleteCoalescer
    /// Built once per worker and shared by every job's context: one reference to retain, not a copy of the
    /// services (their existentials and logger) per job.
    let environment: JobEnvironment
    /// The middleware that hear `JobEvent.isRoutine` steps, in order; read once, as most hear none of them.
    let routineListeners: [any JobMiddleware]

    init(queue: any QueueDriver, registry: JobRegistry, services: WorkerServices, tries: Int, backoff: String,
         timeout: Int, deletes: DeleteCoalescer) {
        self.queue = queue
        self.registry = registry
        self.services = services
        self.tries = tries
        self.backoff = backoff
        self.timeout = timeout
        self.deletes = deletes
        self.environment = JobEnvironment(queue: queue, registry: registry, services: services)
        self.routineListeners = services.middleware.filter(\.hearsRoutineJobEvents)
    }

    var logger: Logger { services.logger }

    /// - Parameters:
    ///   - handler: the job class's handler, as the worker found it (jobs without one were handed back).
    ///   - watch: the worker's watchdog entry for this job: the timeout is armed on it.
    func process(_ job: RedisJob, handler: any JobHandler, watch: JobWatch = JobWatch()) async -> JobOutcome {
        await emitRoutine(.reserved(job))
        let policy = JobRetryPolicy(payload: job.payload, workerTries: tries, workerBackoff: backoff, version: services.laravelVersion)
        let now = queue.now
        if policy.alreadyExceeded(attempts: job.attempts, now: now) {
            // The `failed` hook still gets the command, as CallQueuedHandler::failed unserializes it.
            let command = try? CommandDecoding.command(of: job.payload, encrypter: services.encrypter)
            let context = makeContext(job, command: command, handler: handler)
            await fail(job, context: context, handler: handler,
                       error: JobException.maxAttemptsExceeded(job.name, version: services.laravelVersion))
            return .failed
        }

        let command: PHPObject?
        do {
            command = handler.decodesCommand ? try CommandDecoding.command(of: job.payload, encrypter: services.encrypter) : nil
        } catch {
            let context = makeContext(job, command: nil, handler: handler)
            await fail(job, context: context, handler: handler,
                       error: JobException("Shuttle\\InvalidPayloadException", "\(job.name): \(error)", file: "shuttle", line: 0))
            return .failed
        }
        let context = makeContext(job, command: command, handler: handler)
        let jobTimeout = job.payload.timeout ?? timeout
        let started = ContinuousClock.now
        watch.arm(seconds: jobTimeout) {
            _ = await self.handleTimeout(job: job, context: context, handler: handler, policy: policy)
        }
        let result: Result<Void, any Error>
        do {
            try await runThroughMiddleware(context, handler: handler)
            result = .success(())
        } catch {
            result = .failure(error)
        }
        // Timed out: the watchdog cancelled the handler and applied the timeout rules; whatever the
        // handler did after its deadline does not count (PHP's worker would have been killed).
        guard watch.disarm() else {
            await watch.timeoutHandled()
            return .timedOut(failed: false)
        }
        switch result {
        case .success:
            await emitRoutine(.processed(job, runtime: seconds(since: started)))
            return await finishSuccessfully(job, context: context, handler: handler, policy: policy)
        case .failure(let error):
            return await handleException(error, job: job, context: context, handler: handler, policy: policy)
        }
    }

    /// The handler inside the middleware, the first one outermost. Recursing by index rather than folding
    /// escaping closures together allocates nothing per job: each `next` is a non-escaping closure.
    private func runThroughMiddleware(_ context: JobContext, handler: any JobHandler, from index: Int = 0) async throws {
        let middleware = services.middleware
        guard index < middleware.count else { return try await handler.handle(context) }
        try await middleware[index].handle(context) { c in
            try await runThroughMiddleware(c, handler: handler, from: index + 1)
        }
    }

    /// A context for one attempt, carrying the worker's environment for the middleware.
    func makeContext(_ job: RedisJob, command: PHPObject?, handler: (any JobHandler)?) -> JobContext {
        JobContext(job: job, command: command, logger: logger, handler: handler, environment: environment)
    }

    /// After `handle()` returned: honour what the handler asked for, else delete (CallQueuedHandler@call).
    private func finishSuccessfully(_ job: RedisJob, context: JobContext, handler: any JobHandler, policy: JobRetryPolicy) async -> JobOutcome {
        if let failure = context.requestedFailure {
            await fail(job, context: context, handler: handler, error: failure)
            return .failed
        }
        if let delay = context.releaseDelay { return await release(job, delay: delay) }
        do { for m in services.middleware { try await m.jobSucceeded(context) } } catch {
            return await handleException(error, job: job, context: context, handler: handler, policy: policy)
        }
        return await delete(job)
    }

    /// `handleJobException`: fail when attempts or exceptions are used up, else release with backoff.
    private func handleException(_ error: any Error, job: RedisJob, context: JobContext, handler: any JobHandler, policy: JobRetryPolicy) async -> JobOutcome {
        logger.warning("job threw", metadata: ["job": "\(job.name)", "uuid": "\(job.uuid ?? "")", "attempt": "\(job.attempts)", "error": "\(error)"])
        if let failure = context.requestedFailure {
            await fail(job, context: context, handler: handler, error: failure)
            return .failed
        }
        if policy.willExceed(attempts: job.attempts, now: queue.now) {
            await fail(job, context: context, handler: handler, error: error)
            return .failed
        }
        if await exceptionsExhausted(job) {
            await fail(job, context: context, handler: handler, error: error)
            return .failed
        }
        if context.isDeleted { return await delete(job) }
        if let delay = context.releaseDelay { return await release(job, delay: delay) }
        return await release(job, delay: policy.backoffSeconds(attempts: job.attempts))
    }

    /// Spec §6.5: fail when attempts are used up, count towards maxExceptions, fail on `failOnTimeout`;
    /// otherwise leave it reserved so it runs again after `retry_after`, as a killed PHP worker does.
    func handleTimeout(job: RedisJob, context: JobContext, handler: any JobHandler, policy: JobRetryPolicy) async -> JobOutcome {
        let error = JobException.timedOut(job.name, version: services.laravelVersion)
        logger.error("job timed out", metadata: ["job": "\(job.name)", "uuid": "\(job.uuid ?? "")", "attempt": "\(job.attempts)"])
        if policy.willExceed(attempts: job.attempts, now: queue.now) {
            await fail(job, context: context, handler: handler, error: error)
            return .timedOut(failed: true)
        }
        if await exceptionsExhausted(job) || job.payload.failOnTimeout == true {
            await fail(job, context: context, handler: handler, error: error)
            return .timedOut(failed: true)
        }
        return .timedOut(failed: false)
    }

    /// `markJobAsFailedIfWillExceedMaxExceptions`: the `job-exceptions:<uuid>` counter shared with PHP workers.
    private func exceptionsExhausted(_ job: RedisJob) async -> Bool {
        guard let cache = services.cache, let uuid = job.uuid, let maxExceptions = job.payload.maxExceptions else { return false }
        let key = "job-exceptions:\(uuid)"
        do {
            let current = try await cache.get(key)
            if current == nil || current == .int(0) || current == .null || current == .bool(false) {
                try await cache.put(key, .int(0), seconds: 86_400)
            }
            if let count = try await cache.increment(key, by: 1), maxExceptions <= count {
                try await cache.forget(key)
                return true
            }
        } catch {
            logger.error("maxExceptions counter unavailable", metadata: ["key": "\(key)", "error": "\(error)"])
        }
        return false
    }

    // MARK: Effects on Redis

    func delete(_ job: RedisJob) async -> JobOutcome {
        do {
            try await deletes.delete(job)
            await emitRoutine(.deleted(job))
        } catch {
            logger.error("could not delete a finished job; it will run again after retry_after", metadata: ["uuid": "\(job.uuid ?? "")", "error": "\(error)"])
        }
        return .deleted
    }

    func release(_ job: RedisJob, delay: Int) async -> JobOutcome {
        do {
            try await queue.release(job, delay: delay)
            await emit(.released(job, delay: delay))
        } catch {
            logger.error("could not release a job; it will run again after retry_after", metadata: ["uuid": "\(job.uuid ?? "")", "error": "\(error)"])
        }
        return .released(delay: delay)
    }

    func handBack(_ job: RedisJob, to target: String?) async -> JobOutcome {
        do {
            if try await queue.handBack(job, to: target) {
                await emit(.handedBack(job, toQueue: target ?? job.queue))
            }
        } catch {
            logger.error("could not hand a job back; it returns after retry_after", metadata: ["uuid": "\(job.uuid ?? "")", "error": "\(error)"])
        }
        return .handedBack
    }

    /// `Job::fail`: record the failed job, take it off the queue, run the handler's `failed` hook.
    /// The row is written before the ZREM (Laravel does the reverse) so a crash in between cannot lose it;
    /// when the row cannot be written the job stays reserved and comes back after `retry_after`.
    func fail(_ job: RedisJob, context: JobContext, handler: (any JobHandler)?, error: any Error) async {
        let text = JobException.phpText(for: error)
        let secrets = context.secrets
        let payload = secrets.isEmpty ? job.rawBody : SecretMask.mask(job.rawBody, secrets: secrets)
        guard await recordFailure(connection: job.connectionName, queue: job.queue, payload: payload, exception: text) else { return }
        do { try await queue.delete(job) } catch {
            logger.error("could not delete a failed job", metadata: ["uuid": "\(job.uuid ?? "")", "error": "\(error)"])
        }
        for m in services.middleware { await m.jobFailed(context) }
        await handler?.failed(context, error: error)
        await emit(.failed(job, exception: text))
    }

    /// True when recorded (or there is no failed-job store).
    func recordFailure(connection: String, queue: String, payload: [UInt8], exception: String) async -> Bool {
        await FailedJobRecorder(failer: services.failer, logger: logger)
            .record(connection: connection, queue: queue, payload: payload, exception: exception)
    }

    func emit(_ event: JobEvent) async {
        for m in services.middleware { await m.jobEvent(event) }
    }

    /// `emit` for the steps every job goes through, built only when some middleware hears them.
    private func emitRoutine(_ event: @autoclosure () -> JobEvent) async {
        guard !routineListeners.isEmpty else { return }
        let event = event()
        for m in routineListeners { await m.jobEvent(event) }
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
