import AppleHealth
import LaravelQueue
import Monzo
import ShuttleProbe
import SparkSchedule

/// The integrations this build of Shuttle runs, in start order (they shut down in reverse). A new
/// integration is one more entry here and its target in Package.swift's `shuttle` dependencies.
enum Integrations {
    static let all: [any Integration] = [
        ProbeIntegration(),
        MonzoIntegration(),
        AppleHealthIntegration(),
        // CheckIntegrationUpdates, routing to each service's fetch jobs: Monzo's from its target, the rest PHP's.
        SparkScheduleIntegration(routes: [MonzoFetchJobs.routes] + PHPFetchJobs.routes),
    ]
}
