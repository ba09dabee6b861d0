/// A Spark setting or stored row Shuttle cannot work with.
public enum SparkError: Error, Sendable, CustomStringConvertible, Equatable {
    case configuration(String)
    /// The database lacks something Shuttle reads or writes: table and column named.
    case schema(String)
    /// A job wrote an event naming an object it neither upserted nor looked up (a bug in the job, not the data).
    case unknownObject(String, event: String)

    public var description: String {
        switch self {
        case .configuration(let message): return message
        case .schema(let message): return message
        case .unknownObject(let object, let event): return "event \(event) names object \(object), which the job did not write"
        }
    }
}
