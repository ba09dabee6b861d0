import Logging
import LaravelQueue
import PHPSerialization

extension JobContext {
    /// A context for testing a handler without Redis: `job` is pushed as a PHP app of `job.version` would push it
    /// (serialized command, payload options), reserved once (attempt `attempts`), and its command decoded as
    /// the worker decodes it.
    public static func testing(_ job: PendingJob, attempts: Int = 1, queue: String = "default",
                               logger: Logger = Logger(label: "shuttle.testing")) throws -> JobContext {
        let pushed = try Dispatcher().payload(for: job, identity: PayloadIdentity.random())
        let payload = try pushed.withAttempts(attempts - 1)
        let redisJob = RedisJob(connectionName: "redis", queue: queue, rawBody: payload.rawBytes,
                                reserved: try pushed.withAttempts(attempts).rawBytes, payload: payload)
        return JobContext(job: redisJob, command: try CommandDecoding.command(of: payload, encrypter: nil), logger: logger)
    }
}
