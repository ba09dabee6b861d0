/// Where the fetch jobs call Monzo and as which OAuth client: `MONZO_API_BASE` (default Monzo's own),
/// `MONZO_CLIENT_ID`, `MONZO_CLIENT_SECRET` from the app's env (`services.monzo`). The secret never prints.
public struct MonzoAPISettings: Sendable, CustomStringConvertible {
    public static let defaultBase = "https://api.monzo.com"

    /// No trailing slash.
    public var apiBase: String
    public var clientId: String?
    public var clientSecret: String?
    /// Transactions per processing job the fetch jobs dispatch (`SHUTTLE_MONZO_CHUNK`, default 100): bounds
    /// a job's size however long the history, and a failure retries only its chunk.
    public var chunkSize: Int

    public init(apiBase: String = MonzoAPISettings.defaultBase, clientId: String? = nil, clientSecret: String? = nil,
                chunkSize: Int = 100) {
        var base = apiBase
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBase = base
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.chunkSize = max(1, chunkSize)
    }

    public static func fromEnvironment(_ variables: [String: String]) -> MonzoAPISettings {
        func value(_ name: String) -> String? { variables[name].flatMap { $0.isEmpty ? nil : $0 } }
        return MonzoAPISettings(apiBase: value("MONZO_API_BASE") ?? defaultBase, clientId: value("MONZO_CLIENT_ID"),
                                clientSecret: value("MONZO_CLIENT_SECRET"),
                                chunkSize: value("SHUTTLE_MONZO_CHUNK").flatMap(Int.init) ?? 100)
    }

    public var description: String {
        "MonzoAPISettings(apiBase: \(apiBase), clientId: \(clientId ?? "none"), clientSecret: \(clientSecret == nil ? "none" : "[redacted]"))"
    }
}
