import LaravelQueue

/// PHP's `ModelNotFoundException`, which fails a job whose serialized model is gone: same class and
/// message in `failed_jobs.exception`, so PHP tooling reads Shuttle's failures as its own.
public enum ModelNotFound {
    public static let phpClass = "Illuminate\\Database\\Eloquent\\ModelNotFoundException"

    /// `No query results for model [App\Models\Integration] <id>`.
    public static func error(model: String, ids: [String]) -> JobException {
        let message = "No query results for model [\(model)]" + (ids.isEmpty ? "." : " " + ids.joined(separator: ", "))
        return JobException(phpClass, message, file: "shuttle", line: 0)
    }
}
