import Logging

/// `--log-format`: `text` for a terminal or journald, `json` (one object per line) for Loki or CloudWatch.
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}

/// `LOG_LEVEL` as Laravel (Monolog) names it. swift-log has no `alert` or `emergency`: both map to
/// `critical`, its most severe level, so nothing Laravel would print is hidden.
public enum LaravelLogLevel {
    public static let names = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    public static func parse(_ name: String) -> Logger.Level? {
        switch name.lowercased() {
        case "debug": .debug
        case "info": .info
        case "notice": .notice
        case "warning": .warning
        case "error": .error
        case "critical", "alert", "emergency": .critical
        case "trace": .trace  // swift-log's own, below debug
        default: nil
        }
    }
}
