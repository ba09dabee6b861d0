import Logging
import PHPSerialization
import LaravelQueue
import PHPFormats
import Synchronization

/// `handler as? any UniqueJobHandler` for every job run: the runtime's conformance lookup behind that cast cost
/// ~2,700 instructions, twice per job (callgrind), so the handler types known not to be unique are remembered.
enum UniqueHandlers {
    private static let notUnique = Mutex<Set<ObjectIdentifier>>([])

    static func unique(_ handler: any JobHandler) -> (any UniqueJobHandler)? {
        let type = ObjectIdentifier(Swift.type(of: handler))
        if notUnique.withLock({ $0.contains(type) }) { return nil }
        if let unique = handler as? any UniqueJobHandler { return unique }
        notUnique.withLock { _ = $0.insert(type) }
        return nil
    }
}

/// What Laravel's `Illuminate\Queue\CallQueuedHandler` does around a job's `handle()`, for the PHP jobs
/// Shuttle runs (spec §6.2, §6.6, §7), in PHP's order:
///
/// * success (not released, not failed): free the `ShouldBeUnique` lock, dispatch the next job of the
///   chain, record the success in `job_batches` — all before the job is deleted;
/// * failure (`failed()`): free the unique lock (not for until-processing jobs), record the failure in
///   `job_batches`; the chain stops there;
/// * `ShouldBeUniqueUntilProcessing`: the lock is freed as the handler starts.
///
/// PHP closures cannot run here: chain `catch` callbacks and batch `then`/`catch`/`finally`/`progress`
/// callbacks are skipped, and the log says so.
struct CallQueuedHandler: Sendable {
    /// The worker's environment by reference: this is built twice per job, and copying the services (their
    /// existentials and logger) and the registry cost a retain each.
    let environment: JobEnvironment
    let bus: BusServices

    var queue: any QueueDriver { environment.queue }
    var registry: JobRegistry { environment.registry }
    var services: WorkerServices { environment.services }

    var logger: Logger { environment.services.logger }
    private var version: LaravelVersion { environment.services.laravelVersion }

    /// A once-only release of a `ShouldBeUniqueUntilProcessing` lock; nil for other jobs.
    func untilProcessingLock(_ context: JobContext, handler: any JobHandler) -> UniqueUntilProcessingLock? {
        guard let unique = UniqueHandlers.unique(handler), unique.uniqueUntilProcessing else { return nil }
        return UniqueUntilProcessingLock { await self.releaseUniqueLock(context, handler: unique) }
    }

    /// The handler returned and did not release or fail the job. Throws when the next chained job could not
    /// be dispatched: as in PHP, the attempt then ends like one whose handler threw.
    func jobSucceeded(_ context: JobContext, handler: any JobHandler) async throws {
        if let unique = UniqueHandlers.unique(handler), !unique.uniqueUntilProcessing {
            await releaseUniqueLock(context, handler: unique)
        }
        if let command = context.command, let next = try ChainedJob.next(after: command, version: version) {
            try await dispatchNextJobInChain(next, context: context)
        }
        await recordBatch(context, succeeded: true)
    }

    /// `CallQueuedHandler::failed`, called by `Job::fail` after the job left the queue.
    func jobFailed(_ context: JobContext, handler: (any JobHandler)?) async {
        guard let command = command(of: context) else { return }
        if let unique = handler as? any UniqueJobHandler, !unique.uniqueUntilProcessing {
            await releaseUniqueLock(context, handler: unique, command: command)
        }
        await recordBatch(context, succeeded: false, command: command)
        if case .array(let callbacks)? = command["chainCatchCallbacks"], callbacks.count > 0 {
            logger.warning("chain stopped; its catch callbacks are PHP closures and were not run", metadata: [
                "job": "\(context.job.name)", "uuid": "\(context.job.uuid ?? "")", "callbacks": "\(callbacks.count)",
            ])
        }
    }

    // MARK: Duties

    private func releaseUniqueLock(_ context: JobContext, handler: any UniqueJobHandler, command: PHPObject? = nil) async {
        guard let command = command ?? context.command else { return }
        do {
            let key = try await UniqueLock(version: version).release(command, handler: handler, defaultLocks: bus.locks)
            logger.debug("unique lock released", metadata: ["key": "\(key)", "uuid": "\(context.job.uuid ?? "")"])
        } catch {
            logger.error("could not release a unique job's lock; it stays until it expires", metadata: [
                "job": "\(context.job.name)", "uuid": "\(context.job.uuid ?? "")", "error": "\(error)",
            ])
        }
    }

    private func dispatchNextJobInChain(_ next: PHPObject, context: JobContext) async throws {
        let dispatcher = BusDispatcher(queue: queue, registry: registry, services: services, bus: bus)
        guard let pushed = try await dispatcher.dispatch(next, parent: context) else {
            logger.info("next job in chain not dispatched: its unique lock is held", metadata: [
                "job": "\(next.className)", "after": "\(context.job.uuid ?? "")",
            ])
            return
        }
        logger.debug("next job in chain dispatched", metadata: [
            "job": "\(next.className)", "uuid": "\(pushed.payload.uuid ?? "")", "connection": "\(pushed.connection)",
            "queue": "\(pushed.queue)", "delay": "\(pushed.delay.map(String.init) ?? "none")",
        ])
    }

    /// `Batch::recordSuccessfulJob` / `recordFailedJob` for a job with a `batchId`.
    private func recordBatch(_ context: JobContext, succeeded: Bool, command: PHPObject? = nil) async {
        let command = command ?? context.command
        guard let batchId = command?["batchId"]?.stringValue ?? context.payload.batchId, !batchId.isEmpty else { return }
        guard let uuid = context.job.uuid else { return }
        guard let batches = bus.batches else {
            logger.error("batched job finished but no job_batches repository is configured", metadata: [
                "batch": "\(batchId)", "uuid": "\(uuid)",
            ])
            return
        }
        do {
            let counts = succeeded
                ? try await batches.recordSuccessfulJob(batchId: batchId, jobUuid: uuid)
                : try await batches.recordFailedJob(batchId: batchId, jobUuid: uuid)
            guard let counts else { return }  // batch pruned or deleted: PHP's batch() is null too
            await logSkippedCallbacks(batchId: batchId, counts: counts, succeeded: succeeded, repository: batches)
        } catch {
            logger.error("could not update job_batches", metadata: ["batch": "\(batchId)", "uuid": "\(uuid)", "error": "\(error)"])
        }
    }

    /// Names the batch callbacks PHP would have run now (`Batch::recordSuccessfulJob`/`recordFailedJob`).
    private func logSkippedCallbacks(batchId: String, counts: UpdatedBatchJobCounts, succeeded: Bool, repository: DatabaseBatchRepository) async {
        var due = ["progress"]
        if succeeded && counts.pendingJobs == 0 { due.append("then") }
        if !succeeded { due.append("failure") }
        if !succeeded && counts.failedJobs == 1 { due.append("catch") }
        if counts.allJobsHaveRanExactlyOnce { due.append("finally") }
        guard let options = try? await repository.find(batchId)?.options?.arrayValue else { return }
        let skipped = due.filter { (options[$0]?.arrayValue?.count ?? 0) > 0 }
        guard !skipped.isEmpty else { return }
        logger.notice("batch callbacks are PHP closures and were not run", metadata: [
            "batch": "\(batchId)", "callbacks": "\(skipped.joined(separator: ","))",
        ])
    }

    /// The job's command; `failed()` unserializes it again when the attempt never got that far.
    private func command(of context: JobContext) -> PHPObject? {
        if let command = context.command { return command }
        do {
            return try CommandDecoding.command(of: context.payload, encrypter: services.encrypter)
        } catch {
            logger.error("cannot read a failed job's command: unique lock and batch left as they are", metadata: [
                "uuid": "\(context.job.uuid ?? "")", "error": "\(error)",
            ])
            return nil
        }
    }
}
