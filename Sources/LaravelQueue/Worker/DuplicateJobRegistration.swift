/// A PHP job class registered twice: which class, and who registered it each time, on one line for the
/// start-up error (`… is registered twice: by Probe (ProbeJob) and by Spark (SparkSync)`).
public struct DuplicateJobRegistration: Error, Equatable, CustomStringConvertible, Sendable {
    /// The class as the second registration spelled it.
    public let phpClass: String
    public let first: String
    public let second: String

    public init(phpClass: String, first: String, second: String) {
        self.phpClass = phpClass
        self.first = first
        self.second = second
    }

    public var description: String {
        "job class \(phpClass) is registered twice: by \(first) and by \(second)"
    }
}
