/// Where an integration registers its handlers: the registry, with the integration's name on each entry
/// so that a class two integrations claim is reported with both names.
public struct JobRegistrar: Sendable {
    /// The integration registering now.
    public let integration: String
    /// Every handler registered so far, this integration's and those before it.
    public private(set) var registry: JobRegistry

    public init(integration: String, registry: JobRegistry = JobRegistry()) {
        self.integration = integration
        self.registry = registry
    }

    /// Runs `handler` for the PHP class `phpClass` (as PHP names it, e.g. `App\Jobs\SendInvoice`).
    public mutating func register(_ phpClass: String, _ handler: any JobHandler) throws(DuplicateJobRegistration) {
        try registry.register(phpClass, handler, by: integration)
    }
}
