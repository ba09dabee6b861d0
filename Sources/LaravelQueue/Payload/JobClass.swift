import PHPSerialization
import PHPFormats

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
