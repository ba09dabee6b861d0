import Logging
import Synchronization

/// Every line a job logs, at trace level with its metadata: for checking that a skipped item says why, and that
/// no secret reaches a log.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    private let label: String

    public init(label: String = "shuttle.test") { self.label = label }

    public var all: [String] { lines.withLock { $0 } }
    public var text: String { all.joined(separator: "\n") }
    public func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }

    public var logger: Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let extra = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.lines.withLock { $0.append("\(event.level) \(event.message) \(extra)") }
        }
    }
}
