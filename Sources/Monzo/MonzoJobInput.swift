import LaravelQueue
import PHPSerialization

/// The serialized properties of a Monzo processing job (spec §4.4), read by name whatever their
/// visibility, so payloads of any Laravel major and Horizon read the same.
struct MonzoJobInput: Sendable {
    var integration: ModelIdentifier
    var rawData: PHPValue
    /// `MonzoTransactionData`, `MonzoPotData` and `MonzoBalanceData` carry it; `MonzoAccountData` does not.
    var accountId: String?
    var serviceName: String

    /// Reads the properties; a missing one fails the job as PHP does when it touches an uninitialized
    /// typed property.
    init(_ context: JobContext, className: String, needsAccountId: Bool) throws {
        func missing(_ name: String) -> JobException {
            JobException("Error", "Typed property \(className)::$\(name) must not be accessed before initialization",
                         file: "shuttle", line: 0)
        }
        guard case .object(let object)? = context.property("integration"), let identifier = ModelIdentifier(object) else {
            throw missing("integration")
        }
        guard let raw = context.property("rawData"), case .array = raw else { throw missing("rawData") }
        integration = identifier
        rawData = raw
        if needsAccountId {
            guard let account = context.property("accountId"), account != .null else { throw missing("accountId") }
            accountId = account.phpString
        }
        serviceName = context.property("serviceName")?.stringValue ?? "monzo"
    }
}
