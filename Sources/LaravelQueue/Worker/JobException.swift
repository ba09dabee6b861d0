import PHPFormats
/// An error with what PHP needs to print it: `failed_jobs.exception` and Horizon hold PHP's
/// `Throwable::__toString()` text, which PHP tooling (and people) read.
public struct JobException: Error, Sendable, CustomStringConvertible {
    /// The PHP exception class to report (`RuntimeException`, `Illuminate\Queue\MaxAttemptsExceededException`).
    public var phpClass: String
    public var message: String
    public var file: String
    public var line: Int

    public init(_ phpClass: String = "RuntimeException", _ message: String, file: String = #fileID, line: Int = #line) {
        self.phpClass = phpClass
        self.message = message
        self.file = file
        self.line = line
    }

    public var description: String { message.isEmpty ? phpClass : "\(phpClass): \(message)" }

    /// PHP's `__toString()` shape: `Class: message in file:line`, then the stack trace.
    public var phpText: String {
        let head = message.isEmpty ? "\(phpClass) in \(file):\(line)" : "\(phpClass): \(message) in \(file):\(line)"
        return head + "\nStack trace:\n#0 {main}"
    }

    /// Any error as PHP text: a `JobException` as itself, anything else as a `RuntimeException`.
    public static func phpText(for error: any Error) -> String {
        if let e = error as? JobException { return e.phpText }
        return JobException("RuntimeException", String(describing: error), file: "shuttle", line: 0).phpText
    }

    /// Laravel's `MaxAttemptsExceededException` for a job, worded as the target version words it.
    public static func maxAttemptsExceeded(_ name: String, version: LaravelVersion) -> JobException {
        let message = (version >= LaravelVersion(10, 10))
            ? "\(name) has been attempted too many times."
            : "\(name) has been attempted too many times or run too long. The job may have previously timed out."
        return JobException("Illuminate\\Queue\\MaxAttemptsExceededException", message, file: "shuttle", line: 0)
    }

    /// What a timed-out job is failed with: `TimeoutExceededException` from 10.10, before that the
    /// max-attempts exception with its long message.
    public static func timedOut(_ name: String, version: LaravelVersion) -> JobException {
        if (version >= LaravelVersion(10, 10)) {
            return JobException("Illuminate\\Queue\\TimeoutExceededException", "\(name) has timed out.", file: "shuttle", line: 0)
        }
        return maxAttemptsExceeded(name, version: LaravelVersion(8, 0))
    }
}
