import LaravelQueue

/// Why a call to Monzo did not give what a fetch job needs. Messages name the endpoint (path, no query) and
/// the status, never a token, the client secret or the Authorization header.
public enum MonzoAPIError: Error, Sendable, CustomStringConvertible, Equatable {
    /// 429: the job is released after `retryAfter` seconds instead of failing the attempt.
    case rateLimited(endpoint: String, retryAfter: Int)
    /// A 5xx: the attempt fails and the job's backoff applies.
    case server(endpoint: String, status: Int)
    /// Any other non-2xx (after one refresh for a 401).
    case status(endpoint: String, status: Int, code: String?)
    /// A 2xx whose body is not the JSON the endpoint documents.
    case unexpectedBody(endpoint: String, status: Int, reason: String)
    /// The refresh grant was refused or could not be made.
    case refreshFailed(status: Int?, reason: String)
    /// Network, TLS, timeout: from the HTTP client, without the request.
    case transport(endpoint: String, reason: String)
    /// The group has no access token, or the app has no Monzo client configured.
    case notConfigured(String)

    public var description: String {
        switch self {
        case .rateLimited(let endpoint, let after): return "Monzo API rate limit on \(endpoint) (429): retry after \(after) s"
        case .server(let endpoint, let status): return "Monzo API server error on \(endpoint): HTTP \(status)"
        case .status(let endpoint, let status, let code):
            return "Monzo API refused \(endpoint): HTTP \(status)" + (code.map { " (\($0))" } ?? "")
        case .unexpectedBody(let endpoint, let status, let reason):
            return "Monzo API answered \(endpoint) with HTTP \(status) and a body that is not the expected JSON: \(reason)"
        case .refreshFailed(let status, let reason):
            return "Monzo token refresh failed" + (status.map { ": HTTP \($0)" } ?? "") + ": \(reason)"
        case .transport(let endpoint, let reason): return "Monzo API request to \(endpoint) failed: \(reason)"
        case .notConfigured(let what): return "Monzo is not configured: \(what)"
        }
    }

    /// The text `failed_jobs.exception` gets: PHP's plain `Exception`, as the app's jobs throw.
    public var jobException: JobException { JobException("Exception", description, file: "shuttle", line: 0) }
}
