import PHPSerialization
import PHPFormats

/// What `SerializesModels` stores in place of an Eloquent model or collection
/// (`Illuminate\Contracts\Database\ModelIdentifier`, spec §5.6).
public struct ModelIdentifier: Hashable, Sendable {
    public static let phpClassName = "Illuminate\\Contracts\\Database\\ModelIdentifier"

    /// Model class (or morph alias); nil for an empty collection.
    public var modelClass: String?
    /// The key: a scalar for one model, a list of keys for a collection.
    public var id: PHPValue
    public var relations: [String]
    public var connection: String?
    /// v9.26+: the custom collection class, or nil.
    public var collectionClass: String?

    public init(modelClass: String?, id: PHPValue, relations: [String] = [], connection: String?, collectionClass: String? = nil) {
        self.modelClass = modelClass
        self.id = id
        self.relations = relations
        self.connection = connection
        self.collectionClass = collectionClass
    }

    /// True when `id` is a list of keys (an Eloquent collection).
    public var isCollection: Bool { id.arrayValue != nil }

    /// The keys: one for a model, all of them for a collection.
    public var ids: [PHPValue] { id.arrayValue?.values ?? [id] }

    /// Reads a decoded `ModelIdentifier` object; nil when `object` is some other class.
    public init?(_ object: PHPObject) {
        guard object.className == ModelIdentifier.phpClassName else { return nil }
        modelClass = object["class"]?.stringValue
        id = object["id"] ?? .null
        relations = object["relations"]?.arrayValue?.values.compactMap(\.stringValue) ?? []
        connection = object["connection"]?.stringValue
        collectionClass = object["collectionClass"]?.stringValue
    }

    /// The object as `SerializesModels` writes it for `version`: 4 properties before v9.26, then 5.
    public func phpValue(for version: LaravelVersion) -> PHPValue {
        var properties = [
            PHPProperty(name: "class", value: modelClass.map { .string($0) } ?? .null),
            PHPProperty(name: "id", value: id),
            PHPProperty(name: "relations", value: .array(PHPArray(list: relations.map { .string($0) }))),
            PHPProperty(name: "connection", value: connection.map { .string($0) } ?? .null),
        ]
        if version.modelIdentifierHasCollectionClass {
            properties.append(PHPProperty(name: "collectionClass", value: collectionClass.map { .string($0) } ?? .null))
        }
        return .object(PHPObject(className: ModelIdentifier.phpClassName, properties: properties))
    }
}
