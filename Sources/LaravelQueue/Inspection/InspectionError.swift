import PHPFormats
/// Why a payload could not be read, in one line: which part (`payload`, `data.command`, …) and where in it.
public struct InspectionError: Error, Equatable, CustomStringConvertible {
    /// The part that failed: `payload`, `data.command`, `data.command (decrypted)`.
    public let part: String
    public let reason: String

    public init(_ part: String, _ reason: String) {
        self.part = part
        self.reason = reason
    }

    public var description: String { "\(part): \(reason)" }
}
