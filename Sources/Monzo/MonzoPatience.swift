import Logging

/// How a job that must not be released rides out Monzo's passing trouble: it waits out a 429 for its
/// `Retry-After` (up to `maxWait` seconds, `maxRateLimits` times) and retries a 5xx or network error
/// `maxRetries` times after 1, 2, 4… s — the call again, not the job, so a backfill resumes on the page it was on.
/// The pulls use `.none`: for them the queue's release and backoff do this.
struct MonzoPatience: Sendable {
    var maxRetries: Int
    var maxRateLimits: Int
    var maxWait: Int

    static let none = MonzoPatience(maxRetries: 0, maxRateLimits: 0, maxWait: 0)
    /// `MonzoHistoricalData` (tries 1: a release or a thrown 5xx would end it for good).
    static let backfill = MonzoPatience(maxRetries: 3, maxRateLimits: 10, maxWait: 60)

    func run<T: Sendable>(_ logger: Logger, _ call: () async throws -> T) async throws -> T {
        var retries = 0, waits = 0
        while true {
            do {
                return try await call()
            } catch let error as MonzoAPIError {
                let seconds: Int
                switch error {
                case .rateLimited(_, let retryAfter) where waits < maxRateLimits && retryAfter <= maxWait:
                    waits += 1
                    seconds = retryAfter
                case .server, .transport:
                    guard retries < maxRetries else { throw error }
                    retries += 1
                    seconds = 1 << (retries - 1)
                default:
                    throw error
                }
                logger.notice("Monzo call failed; trying again", metadata: ["error": "\(error)", "after_seconds": "\(seconds)"])
                try await Task.sleep(for: .seconds(seconds))
            }
        }
    }
}
