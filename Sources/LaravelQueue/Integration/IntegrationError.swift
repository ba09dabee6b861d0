/// An integration that could not start, on one line that names it: the start-up error of `shuttle work`.
public struct IntegrationError: Error, CustomStringConvertible, Sendable {
    public let integration: String
    public let underlying: any Error

    public init(integration: String, underlying: any Error) {
        self.integration = integration
        self.underlying = underlying
    }

    public var description: String {
        let reason = "\(underlying)".split(whereSeparator: \.isNewline).joined(separator: " ")
        return "integration \(integration) could not start: \(reason)"
    }
}
