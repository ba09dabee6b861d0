import PHPSerialization
import PHPFormats

/// A declared property of a job class (or of a parent class or trait), with the value the job holds.
public struct JobProperty: Hashable, Sendable {
    public enum Visibility: Hashable, Sendable { case `public`, protected, `private` }

    /// What the property holds when the job is queued.
    public enum Value: Hashable, Sendable {
        case php(PHPValue)
        /// An Eloquent model or collection: `SerializesModels` writes it as a `ModelIdentifier`.
        case model(ModelIdentifier)
    }

    public var name: String
    public var visibility: Visibility
    /// nil: an uninitialized typed property (PHP skips it everywhere).
    public var value: Value?
    /// The declared default; nil for a typed property without one. An untyped property without an
    /// initializer has the default null (`ReflectionProperty::hasDefaultValue()` is true).
    public var defaultValue: PHPValue?

    public init(_ name: String, _ visibility: Visibility = .public, value: Value?, default defaultValue: PHPValue? = .null) {
        self.name = name
        self.visibility = visibility
        self.value = value
        self.defaultValue = defaultValue
    }

    public init(_ name: String, _ visibility: Visibility = .public, _ value: PHPValue, default defaultValue: PHPValue? = .null) {
        self.init(name, visibility, value: .php(value), default: defaultValue)
    }

    /// A property holding a model (`protected Integration $integration`-style, typed without default by default).
    public static func model(_ name: String, _ visibility: Visibility = .protected, _ model: ModelIdentifier, default defaultValue: PHPValue? = nil) -> JobProperty {
        JobProperty(name, visibility, value: .model(model), default: defaultValue)
    }

    /// PHP's `===` against the declared default, which `SerializesModels` (v9.4+) uses to omit the property.
    var equalsDefault: Bool {
        guard let defaultValue, case .php(let v)? = value else { return false }
        return JobProperty.identical(v, defaultValue)
    }

    /// `===` for the values a property default can hold (objects are never identical to a default).
    static func identical(_ a: PHPValue, _ b: PHPValue) -> Bool {
        switch (a, b) {
        case (.object, _), (_, .object), (.objectReference, _), (.reference, _), (.custom, _): return false
        case (.double(let x), .double(let y)): return x == y
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x.entries, y.entries).allSatisfy { $0.key == $1.key && identical($0.value, $1.value) }
        default: return a == b
        }
    }
}
