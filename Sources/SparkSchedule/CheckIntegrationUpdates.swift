import LaravelQueue
import Logging
import PHPSerialization
import Spark

/// `App\Jobs\CheckIntegrationUpdates` natively (spec §6.2, with the intended marking of §12): picks the due
/// integrations, pushes one fetch job per due instance as the app would (`FetchJob`), and marks each triggered
/// right after its push, so the next minute's run skips it until its fetch job marks it updated or fails.
///
/// What happens to a service depends on the `routes` it is given:
/// - Services whose fetch jobs Shuttle implements (Monzo's routes, from the Monzo target): pushed and marked;
///   a Shuttle worker with their handlers runs them, else PHP's workers do (the payload is the same).
/// - Services the app has and Shuttle does not implement (`PHPFetchJobs`: GitHub, GoCardless, Oura, Spotify,
///   Hevy): pushed with the app's class names and marked, exactly as PHP's job would; Shuttle registers no
///   handler for them, so its workers leave those jobs on the queue, in place and attempts unspent, for PHP.
/// - Anything else (webhook services and `manual_account`, which the app never selects either, and any service
///   the app gains later): left to PHP untouched — not selected, not pushed, not marked; so while Shuttle runs
///   this job such a service is fetched only once its routes are added here, or by PHP's `integrations:fetch`.
/// Instance types with no fetch job (the app's `default => []`) are neither pushed nor marked.
public struct CheckIntegrationUpdates: JobHandler {
    public static let phpClass = "App\\Jobs\\CheckIntegrationUpdates"

    /// What one run did, for the log and for tests.
    public struct Summary: Sendable, Equatable {
        /// (integration id, fetch job class), in push order.
        public var scheduled: [Pushed] = []
        public var skipped = 0
        /// Due integrations after the `needsUpdate` filter.
        public var due = 0
        /// Integrations whose push or marking failed (logged, not rethrown, as PHP does).
        public var failed = 0

        public struct Pushed: Sendable, Equatable {
            public var integrationId: String
            public var jobClass: String
        }
    }

    let store: SparkStore
    let routes: [String: FetchJobRoutes]
    let dispatcher: Dispatcher
    /// The app's database connection name, written into each ModelIdentifier (`pgsql` for Spark).
    let databaseConnection: String
    let version: LaravelVersion
    let logger: Logger

    public init(store: SparkStore, routes: [FetchJobRoutes], dispatcher: Dispatcher, databaseConnection: String,
                version: LaravelVersion, logger: Logger) {
        self.store = store
        self.routes = Dictionary(routes.map { ($0.service, $0) }, uniquingKeysWith: { first, _ in first })
        self.dispatcher = dispatcher
        self.databaseConnection = databaseConnection
        self.version = version
        self.logger = logger
    }

    /// The job the scheduler pushes every minute: no properties; `$tries` 1 and `$timeout` 60 as public defaults.
    public static func pendingJob(version: LaravelVersion) -> PendingJob {
        PendingJob(className: phpClass,
                   properties: [JobProperty("timeout", .public, .int(60), default: .int(60)),
                                JobProperty("tries", .public, .int(1), default: .int(1))],
                   version: version, shape: .serializesModels)
    }

    public func handle(_ context: JobContext) async throws {
        guard let queue = context.environment?.queue else {
            throw JobException("RuntimeException", "CheckIntegrationUpdates needs the queue it runs on to push fetch jobs",
                               file: "shuttle", line: 0)
        }
        _ = try await run(on: queue)
    }

    /// One run: select, filter, push and mark. Pushes go to `queue`'s default queue, as PHP's `dispatch` does.
    public func run(on queue: any QueueDriver) async throws -> Summary {
        logger.info("Starting integration update check")
        let all = Array(routes.values)
        let oauth = all.filter { $0.authentication == .oauth }.map(\.service).sorted()
        let apiKey = all.filter { $0.authentication == .apiKey }.map(\.service).sorted()
        let candidates = try await store.write { try await $0.scheduleCandidates(oauthServices: oauth, apiKeyServices: apiKey) }
        let now = store.clock.now
        var summary = Summary()
        var due: [(SparkIntegration, Int)] = []
        for integration in candidates {
            guard let frequency = integration.updateFrequencyMinutes else {
                logger.error("Failed to schedule job for integration: update_frequency_minutes is not a number",
                             metadata: ["integration": "\(integration.id)", "service": "\(integration.service ?? "")"])
                summary.failed += 1
                continue
            }
            if integration.needsUpdate(now: now, frequency: frequency) { due.append((integration, frequency)) }
        }
        summary.due = due.count
        guard !due.isEmpty else {
            logger.info("No integrations found that need updating")
            return summary
        }
        logger.info("Found \(due.count) integration(s) that need updating")
        for (integration, frequency) in due {
            let meta: Logger.Metadata = ["integration": "\(integration.id)", "service": "\(integration.service ?? "")"]
            if integration.isProcessing(now: now, frequency: frequency) {
                logger.info("Skipping integration - currently processing", metadata: meta)
                summary.skipped += 1
                continue
            }
            if integration.triggeredTooRecently(now: now, frequency: frequency) {
                logger.info("Skipping integration - too soon since last update", metadata: meta)
                summary.skipped += 1
                continue
            }
            guard let service = integration.service, let jobClass = routes[service]?.jobClass(instanceType: integration.instanceType) else {
                // The app's `default => []` (an instance type with no fetch job): nothing pushed, nothing marked.
                continue
            }
            do {
                let job = FetchJob.pending(className: jobClass, integration: integration, databaseConnection: databaseConnection,
                                           version: version)
                try await dispatcher.dispatch(job, on: queue)
                try await store.write { try await $0.markTriggered(integration.id) }
                summary.scheduled.append(Summary.Pushed(integrationId: integration.id, jobClass: jobClass))
                logger.info("Scheduled fetch jobs for integration", metadata: meta.merging(["job": "\(jobClass)"]) { $1 })
            } catch {
                summary.failed += 1
                logger.error("Failed to schedule job for integration", metadata: meta.merging(["error": "\(error)"]) { $1 })
            }
        }
        logger.info("Integration update check completed: \(summary.scheduled.count) scheduled, \(summary.skipped) skipped")
        return summary
    }
}
