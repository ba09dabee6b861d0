/// A Spark setting or stored row Shuttle cannot work with.
public enum SparkError: Error, Sendable, CustomStringConvertible, Equatable {
    case configuration(String)
    /// The database lacks something Shuttle reads or writes: table and column named.
    case schema(String)

    public var description: String {
        switch self {
        case .configuration(let message): return message
        case .schema(let message): return message
        }
    }
}
