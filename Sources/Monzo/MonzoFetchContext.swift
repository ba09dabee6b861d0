import HTTP
import LaravelQueue
import Logging
import Spark

/// What every Monzo fetch job shares (the app's `BaseFetchJob`, spec §5.1): the integration restored from
/// its ModelIdentifier with its group, a `MonzoClient` on the group's tokens, the processing-job
/// dispatcher, and the handling of Monzo's answers — 429 releases the job after `Retry-After` without using
/// up a backoff step, anything else fails the attempt with a message that names endpoint and status.
struct MonzoFetchContext: Sendable {
    let integration: SparkIntegration
    let client: MonzoClient
    let dispatch: MonzoProcessingDispatch

    /// The store, HTTP and settings a fetch job runs with; `connection` is the app's database connection name;
    /// `dispatcher` pushes the processing jobs as the app would (Horizon's fields and records when it runs Horizon).
    struct Services: Sendable {
        let store: SparkStore
        let http: any HTTPTransport
        let settings: MonzoAPISettings
        let connection: String
        let dispatcher: Dispatcher
    }

    /// Restores the integration (PHP's `SerializesModels` wake-up) and opens the group's client.
    static func open(_ context: JobContext, className: String, services: Services) async throws -> MonzoFetchContext {
        guard case .object(let object)? = context.property("integration"), let identifier = ModelIdentifier(object) else {
            throw JobException("Error", "Typed property \(className)::$integration must not be accessed before initialization",
                               file: "shuttle", line: 0)
        }
        let integration = try await services.store.write { try await $0.integration(identifier) }
        guard let group = integration.group else { throw MonzoJobError.noGroup(integration: integration.id).jobException }
        let client = try await MonzoClient(transport: services.http, settings: services.settings, store: services.store,
                                           groupId: group.id, logger: context.logger)
        return MonzoFetchContext(integration: integration, client: client,
                                 dispatch: try MonzoProcessingDispatch(context, integrationId: integration.id, connection: services.connection,
                                                                         dispatcher: services.dispatcher))
    }

    /// Runs a fetch job's body with Monzo's answers mapped onto the queue: released on 429, PHP's
    /// `Exception` text for the rest. Returns false when the job was released.
    @discardableResult
    static func run(_ context: JobContext, type: String, _ body: () async throws -> Void) async throws -> Bool {
        do {
            try await body()
            return true
        } catch let error as MonzoAPIError {
            if case .rateLimited(let endpoint, let retryAfter) = error {
                context.logger.notice("Monzo rate limit: job released", metadata: [
                    "job": "\(context.job.name)", "endpoint": "\(endpoint)", "retry_after": "\(retryAfter)",
                ])
                context.release(delay: retryAfter)
                return false
            }
            context.logger.error("Monzo \(type) fetch failed", metadata: ["job": "\(context.job.name)", "error": "\(error)"])
            throw error.jobException
        }
    }

    /// `failed()`: `markAsFailed` clears `last_triggered_at` so the schedule picks the integration up again.
    static func markFailed(_ context: JobContext, store: SparkStore) async {
        guard case .object(let object)? = context.property("integration"), let identifier = ModelIdentifier(object),
              let id = identifier.id.stringValue else { return }
        do {
            try await store.write { try await $0.markIntegrationFailed(id) }
        } catch {
            context.logger.error("could not mark the integration failed", metadata: ["integration": "\(id)", "error": "\(error)"])
        }
    }
}
