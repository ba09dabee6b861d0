import CoreMetrics

/// The counters an integration increments around its API calls, through swift-metrics' global factory: with
/// `work --http` they show on /metrics, without it they cost a no-op. Labels are the integration's name and
/// an HTTP status (or `error`): never a URL, token or account, so nothing secret can reach a label.
public enum IntegrationMetrics {
    public static let apiCallsName = "shuttle_integration_api_calls_total"
    public static let tokenRefreshesName = "shuttle_integration_token_refreshes_total"

    /// One API call that got a response with `status` (nil: no response — timeout, TLS, connection).
    public static func apiCall(integration: String, status: Int?) {
        Counter(label: apiCallsName, dimensions: [("integration", integration), ("status", status.map(String.init) ?? "error")])
            .increment()
    }

    /// One OAuth token refresh; the alert fires on `outcome="failed"`.
    public static func tokenRefresh(integration: String, succeeded: Bool) {
        Counter(label: tokenRefreshesName, dimensions: [("integration", integration), ("outcome", succeeded ? "succeeded" : "failed")])
            .increment()
    }
}
