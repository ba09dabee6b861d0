/// What a layer above the core adds around each push of `Dispatcher` (Horizon's `RedisQueue` does this in PHP).
public protocol DispatchHook: Sendable {
    /// Horizon's payload fields for `job`'s payloads; nil for Laravel's plain payload.
    func horizonOptions(for job: PendingJob) -> HorizonOptions?
    /// Before the push; throwing stops it, so nothing is pushed without what this writes.
    func willPush(_ payloads: [Payload], connection: String, queue: String) async throws
    /// After the push; the jobs are queued by now, so failures are the hook's to log, not to throw.
    func didPush(_ payloads: [Payload]) async
}
