import PHPSerialization
import PHPFormats

/// The values of the framework traits' properties on the queued instance (defaults = untouched job).
public struct QueueableState: Hashable, Sendable {
    public var values: [QueueableProperty: PHPValue] = [:]
    public var batchId: String?

    public init(queue: String? = nil, connection: String? = nil, delay: Int? = nil, batchId: String? = nil) {
        if let queue { values[.queue] = .string(queue) }
        if let connection { values[.connection] = .string(connection) }
        if let delay { values[.delay] = .int(delay) }
        self.batchId = batchId
    }

    public subscript(property: QueueableProperty) -> PHPValue {
        get { values[property] ?? property.defaultValue }
        set { values[property] = newValue }
    }
}
