import LaravelQueue
import PHPSerialization

/// The serialized properties of an Apple Health job (spec §4.4), read by name whatever their visibility.
struct AppleHealthJobInput: Sendable {
    var integration: ModelIdentifier
    /// `rawData` of a processing job, `webhookPayload` of the hook.
    var data: PHPValue
    var serviceName: String

    /// Reads `integration`, the array property `dataProperty` and `serviceName`; a missing or mistyped one fails
    /// the job as PHP does when it touches an uninitialized typed property.
    init(_ context: JobContext, className: String, dataProperty: String) throws {
        try self.init({ context.property($0) }, className: className, dataProperty: dataProperty)
    }

    init(_ property: (String) -> PHPValue?, className: String, dataProperty: String) throws {
        guard case .object(let object)? = property("integration"), let identifier = ModelIdentifier(object) else {
            throw AppleHealthJobError.missingProperty(className: className, "integration").jobException
        }
        guard let raw = property(dataProperty), raw != .null else {
            throw AppleHealthJobError.missingProperty(className: className, dataProperty).jobException
        }
        integration = identifier
        data = raw
        serviceName = property("serviceName")?.stringValue ?? AppleHealthIntegration.service
    }
}
