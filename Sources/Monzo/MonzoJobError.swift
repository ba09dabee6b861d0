import LaravelQueue

/// Why a Monzo job (or one item of it) could not be written, in PHP's words where PHP has some.
enum MonzoJobError: Error, CustomStringConvertible {
    /// The integration has no group, so its master instance cannot be found (PHP: property on null).
    case noGroup(integration: String)
    /// A required array key is absent (PHP's "Undefined array key" warning, an ErrorException in Laravel).
    case undefinedKey(String)

    var description: String {
        switch self {
        case .noGroup(let id): return "integration \(id) has no integration group (Attempt to read property \"id\" on null)"
        case .undefinedKey(let key): return "Undefined array key \"\(key)\""
        }
    }

    /// The text `failed_jobs.exception` gets.
    var jobException: JobException {
        switch self {
        case .noGroup: return JobException("ErrorException", "Attempt to read property \"id\" on null", file: "shuttle", line: 0)
        case .undefinedKey(let key): return JobException("ErrorException", "Undefined array key \"\(key)\"", file: "shuttle", line: 0)
        }
    }
}
