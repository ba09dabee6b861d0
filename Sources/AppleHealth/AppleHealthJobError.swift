import LaravelQueue

/// Why an Apple Health job failed, in PHP's words where PHP has some. No text here ever holds a secret.
enum AppleHealthJobError: Error, CustomStringConvertible {
    case missingProperty(className: String, String)
    /// The hook's `x-webhook-secret` header or the integration's `account_id` is empty or absent.
    case missingSecret
    /// The header does not equal the integration's secret.
    case invalidSecret
    /// The upload held where the hook expects it is not JSON, or not a JSON object/array.
    case notJSON(String)
    /// A value `encode()` cannot take (spec §8.4: an array makes the job fail).
    case unreadableValue(String)
    /// No queue to dispatch the processing jobs on (a hook run outside a worker).
    case noQueue

    var description: String {
        switch self {
        case .missingProperty(let className, let name):
            return "Typed property \(className)::$\(name) must not be accessed before initialization"
        case .missingSecret: return "Missing webhook secret"
        case .invalidSecret: return "Invalid webhook secret"
        case .notJSON(let reason): return "Apple Health upload is not JSON: \(reason)"
        case .unreadableValue(let reason): return reason
        case .noQueue: return "no queue to dispatch Apple Health processing jobs on"
        }
    }

    /// The text `failed_jobs.exception` gets (class as PHP would throw it).
    var jobException: JobException {
        switch self {
        case .missingProperty: return JobException("Error", description, file: "shuttle", line: 0)
        case .unreadableValue: return JobException("TypeError", description, file: "shuttle", line: 0)
        default: return JobException("Exception", description, file: "shuttle", line: 0)
        }
    }
}
