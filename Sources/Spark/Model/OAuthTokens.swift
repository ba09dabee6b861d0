/// An integration group's OAuth tokens (`integration_groups.access_token`, `refresh_token`, `expiry`).
/// Printing one shows neither token: what is read here must never reach a log, an error or `failed_jobs`.
public struct OAuthTokens: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessToken: String?
    public var refreshToken: String?
    /// Unix seconds; nil when the app stored no expiry (the token is then used until it gets a 401).
    public var expiry: Int64?

    public init(accessToken: String?, refreshToken: String?, expiry: Int64?) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiry = expiry
    }

    /// True when `expiry` is at or before `now`.
    public func isExpired(at now: Int64) -> Bool {
        expiry.map { $0 <= now } ?? false
    }

    public var description: String {
        "OAuthTokens(access: \(accessToken == nil ? "none" : "[redacted]"), refresh: \(refreshToken == nil ? "none" : "[redacted]"), "
            + "expiry: \(expiry.map { SparkTime.text(unix: $0) } ?? "none"))"
    }

    public var debugDescription: String { description }
}
