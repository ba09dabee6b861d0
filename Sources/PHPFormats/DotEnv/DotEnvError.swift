import PHPSerialization
/// A `.env` syntax error, located as `file:line` so the operator can jump straight to it.
///
/// The message after the location uses phpdotenv's own wording ("Encountered an invalid name at [X].")
/// so it reads the same as the error `php artisan` would print for the same file.
public struct DotEnvError: Error, Equatable, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
