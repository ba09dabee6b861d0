import PHPSerialization
/// A variable as Laravel's `env()` helper returns it: `true`/`(true)`, `false`/`(false)`, `null`/`(null)`,
/// `empty`/`(empty)` (case-insensitive) become typed values, and a value wrapped in matching quotes
/// loses them. Shuttle must apply the same casts or it would read `REDIS_PASSWORD=null` as a password.
public enum EnvValue: Equatable, Sendable {
    case string(String)
    case bool(Bool)
    case null

    public init(casting raw: String) {
        switch raw.lowercased() {
        case "true", "(true)": self = .bool(true)
        case "false", "(false)": self = .bool(false)
        case "empty", "(empty)": self = .string("")
        case "null", "(null)": self = .null
        default:
            // `/\A(['"])(.*)\1\z/`: `.` does not cross a line break.
            if raw.count >= 2, let first = raw.first, first == "\"" || first == "'", raw.last == first,
               !raw.dropFirst().dropLast().unicodeScalars.contains("\n") {
                self = .string(String(raw.dropFirst().dropLast()))
            } else {
                self = .string(raw)
            }
        }
    }

    /// The value PHP gets by casting to string: `true` → `"1"`, `false` and `null` → `""`.
    public var phpString: String {
        switch self {
        case .string(let text): text
        case .bool(let flag): flag ? "1" : ""
        case .null: ""
        }
    }

    /// PHP's `empty()`: `""`, `"0"`, `false` and `null` are empty.
    public var isPHPEmpty: Bool {
        switch self {
        case .string(let text): text.isEmpty || text == "0"
        case .bool(let flag): !flag
        case .null: true
        }
    }
}
