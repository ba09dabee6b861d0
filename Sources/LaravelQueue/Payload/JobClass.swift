import PHPSerialization

/// Enough of a PHP job class's declaration to reproduce how PHP serializes an instance of it:
/// its own properties, the traits it uses (in `use` order) and its ancestors.
public struct JobClass: Hashable, Sendable {
    /// One class in the hierarchy.
    public struct Declaration: Hashable, Sendable {
        public var name: String
        public var properties: [JobProperty]
        public var traits: [JobTrait]
        public init(name: String, properties: [JobProperty] = [], traits: [JobTrait] = []) {
            self.name = name; self.properties = properties; self.traits = traits
        }
    }

    public var declaration: Declaration
    /// Parent first, then grandparent, …
    public var ancestors: [Declaration]

    public init(_ name: String, properties: [JobProperty] = [], traits: [JobTrait] = JobTrait.standardJob, ancestors: [Declaration] = []) {
        declaration = Declaration(name: name, properties: properties, traits: traits)
        self.ancestors = ancestors
    }

    public var name: String { declaration.name }
}

/// A trait that adds properties. The framework ones take their values from `QueueableState`.
public enum JobTrait: Hashable, Sendable {
    case dispatchable
    /// public `$job` (null when serialized).
    case interactsWithQueue
    /// `Illuminate\Bus\Queueable`, with the version's property list.
    case queueable
    /// public `$batchId`; v9.31+ also private `$fakeBatch`.
    case batchable
    /// Adds no properties; whether the `SerializesModels` shape applies is a separate choice.
    case serializesModels
    case custom(name: String, properties: [JobProperty])

    /// `use Dispatchable, InteractsWithQueue, Queueable, SerializesModels;` — what `make:job` generates.
    public static let standardJob: [JobTrait] = [.dispatchable, .interactsWithQueue, .queueable, .serializesModels]
}

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
