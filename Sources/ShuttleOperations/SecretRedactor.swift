/// Replaces the app's secret values wherever they might surface (log lines, errors, health output) with
/// `[redacted]`. A belt to the braces of never formatting secrets: a driver error that quotes a DSN, or a
/// handler that logs its input, still cannot print a password. Which values count: APP_KEY and previous keys,
/// and every variable whose name says PASSWORD, SECRET or TOKEN (8 characters or longer, so short ordinary
/// words are never rewritten).
public struct SecretRedactor: Sendable {
    public let secrets: [String]

    public init(secrets: [String]) {
        // Longest first, so a secret containing another is replaced whole.
        self.secrets = Array(Set(secrets.filter { $0.utf8.count >= 8 })).sorted { $0.utf8.count > $1.utf8.count }
    }

    public init(environment: [String: String]) {
        var values: [String] = []
        for (name, value) in environment {
            let upper = name.uppercased()
            let keyLike = upper == "APP_KEY" || upper == "APP_PREVIOUS_KEYS"
            guard keyLike || ["PASSWORD", "SECRET", "TOKEN"].contains(where: upper.contains) else { continue }
            for part in value.split(separator: ",") {
                let item = String(part)
                values.append(item)
                if item.hasPrefix("base64:") { values.append(String(item.dropFirst(7))) }
            }
        }
        self.init(secrets: values)
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "[redacted]")
        }
        return result
    }
}
