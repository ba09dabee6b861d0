import PHPFormats
/// A configuration mistake, reported on one line that names the variable and the offending value,
/// e.g. `REDIS_PORT="abc" is not a port number`.
public struct ConfigurationError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    /// `NAME="value" problem`, with the value escaped so the message stays on one line.
    public static func invalid(_ name: String, _ value: String, _ problem: String) -> ConfigurationError {
        ConfigurationError("\(name)=\(quoted(value)) \(problem)")
    }

    /// `value` in double quotes with `\`, `"` and control characters escaped.
    public static func quoted(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    public var description: String { message }
}
