import PHPFormats
/// One job pushed by `Dispatcher`: what `dispatch.php` prints per job (`<uuid> <id>`), plus where it went.
public struct DispatchedJob: Hashable, Sendable {
    /// Payload `uuid` (Horizon's and `failed_jobs`' job id).
    public let uuid: String
    /// Payload `id` (what `RedisQueue::push` returns).
    public let id: String
    /// The plain queue name (`default`).
    public let queue: String
    /// Unix time the job becomes available (the `:delayed` score); nil when pushed for immediate processing.
    public let availableAt: Int?
    /// The exact bytes pushed.
    public let payload: Payload
}
