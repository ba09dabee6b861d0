import PHPFormats
/// One row of `failed_jobs`.
public struct FailedJobRecord: Sendable, Hashable {
    /// The table's autoincrement key (Laravel's `all()`/`find()` replace it by the uuid).
    public var id: Int64
    public var uuid: String?
    /// The queue connection name (`redis`…), not the database connection.
    public var connection: String
    public var queue: String
    /// The raw job body, byte for byte.
    public var payload: [UInt8]
    public var exception: String
    /// As stored: `Y-m-d H:i:s` in the app's timezone.
    public var failedAt: String

    public init(
        id: Int64, uuid: String?, connection: String, queue: String, payload: [UInt8], exception: String, failedAt: String
    ) {
        self.id = id
        self.uuid = uuid
        self.connection = connection
        self.queue = queue
        self.payload = payload
        self.exception = exception
        self.failedAt = failedAt
    }
}
