import PHPFormats
/// One row of `php artisan queue:failed`: ID, Connection, Queue, Class, Failed At.
public struct FailedJobSummary: Sendable, Hashable {
    /// The uuid (Laravel's `all()` puts it in place of the autoincrement id).
    public var id: String
    public var connection: String
    public var queue: String
    /// The job's class as `ListFailedCommand` extracts it; `""` when it cannot.
    public var jobClass: String
    public var failedAt: String

    public init(id: String, connection: String, queue: String, jobClass: String, failedAt: String) {
        self.id = id
        self.connection = connection
        self.queue = queue
        self.jobClass = jobClass
        self.failedAt = failedAt
    }

    /// `ListFailedCommand::parseFailedJob` for `version` (13.12+ prefers `displayName`).
    public init(_ record: FailedJobRecord, version: LaravelVersion = .app) {
        self.init(id: record.uuid ?? String(record.id), connection: record.connection, queue: record.queue,
                  jobClass: Self.jobClass(payload: record.payload, version: version) ?? "", failedAt: record.failedAt)
    }

    /// `ListFailedCommand::extractJobName`: no `data.command` → `job`; else (13.12+) a non-empty string
    /// `displayName`; else the first `"…"` in the command (the class of `O:n:"Class"`), else `job`.
    public static func jobClass(payload bytes: [UInt8], version: LaravelVersion) -> String? {
        guard let payload = try? Payload(bytes: bytes), !payload.json.isEmpty else { return nil }
        guard let command = payload.data?["command"], command != .null else { return payload.job }
        if version >= LaravelVersion(13, 12), let name = payload.displayName, !name.isEmpty { return name }
        return command.stringBytes.flatMap(firstQuoted) ?? payload.job
    }

    /// `preg_match('/"([^"]+)"/', …)`: the first pair of consecutive quotes with something between them.
    static func firstQuoted(_ bytes: [UInt8]) -> String? {
        let quote = UInt8(ascii: "\"")
        var open: Int? = nil
        for (i, byte) in bytes.enumerated() where byte == quote {
            if let start = open, i > start + 1 { return String(decoding: bytes[(start + 1)..<i], as: UTF8.self) }
            open = i
        }
        return nil
    }
}
