import PHPFormats
/// Why a job could not be built or pushed. Descriptions are one line, fit for a CLI error message.
public enum DispatchError: Error, Equatable, CustomStringConvertible {
    /// `--properties` is not valid JSON, or not a JSON object.
    case invalidPropertiesJSON(String)
    /// A property name that is empty, contains NUL, or repeats one given already.
    case invalidPropertyName(String)
    /// An `{"@model": …}` marker that does not describe a model.
    case invalidModel(property: String, reason: String)
    /// An `@model` inside an array: `SerializesModels` only converts top-level properties.
    case nestedModel(property: String)
    /// A model property on a job serialized without `SerializesModels` (PHP would serialize the whole model).
    case modelWithoutSerializesModels(property: String)
    /// A property `createObjectPayload` reads (tries, backoff, …) holds a value Laravel would not put in the payload.
    case invalidOption(name: String, reason: String)
    case invalidJob(String)
    /// `ShouldBeEncrypted` without an encrypter (no `APP_KEY`).
    case encryptionNeedsAppKey

    public var description: String {
        switch self {
        case .invalidPropertiesJSON(let why): return "job properties: \(why)"
        case .invalidPropertyName(let name): return "job properties: invalid or repeated property name \"\(name)\""
        case .invalidModel(let property, let reason): return "job property \"\(property)\": invalid @model: \(reason)"
        case .nestedModel(let property):
            return "job property \"\(property)\": @model is only allowed as a property's whole value (SerializesModels converts top-level properties only)"
        case .modelWithoutSerializesModels(let property):
            return "job property \"\(property)\" holds a model, which needs the SerializesModels command shape"
        case .invalidOption(let name, let reason): return "job option \"\(name)\": \(reason)"
        case .invalidJob(let why): return "job: \(why)"
        case .encryptionNeedsAppKey: return "an encrypted (ShouldBeEncrypted) job needs the application key (APP_KEY)"
        }
    }
}
