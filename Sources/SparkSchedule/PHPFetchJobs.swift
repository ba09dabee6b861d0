import Spark

/// The fetch jobs of the services Shuttle does not run (cronxco/spark@373618f: `CheckIntegrationUpdates::
/// get<Service>FetchJobs` and `PluginRegistry`): pushed with PHP's class names for PHP workers to run. Shuttle
/// has no handler for them, so its workers leave them on the queue.
public enum PHPFetchJobs {
    public static let routes: [FetchJobRoutes] = [
        FetchJobRoutes(service: "github", authentication: .oauth, defaultInstanceType: "activity",
                       jobs: ["activity": "App\\Jobs\\OAuth\\GitHub\\GitHubActivityPull"]),
        FetchJobRoutes(service: "gocardless", authentication: .oauth, defaultInstanceType: "transactions", jobs: [
            "accounts": "App\\Jobs\\OAuth\\GoCardless\\GoCardlessAccountPull",
            "transactions": "App\\Jobs\\OAuth\\GoCardless\\GoCardlessTransactionPull",
            "balances": "App\\Jobs\\OAuth\\GoCardless\\GoCardlessBalancePull",
        ]),
        FetchJobRoutes(service: "spotify", authentication: .oauth, defaultInstanceType: "listening",
                       jobs: ["listening": "App\\Jobs\\OAuth\\Spotify\\SpotifyListeningPull"]),
        FetchJobRoutes(service: "oura", authentication: .oauth, defaultInstanceType: "activity", jobs: [
            "activity": "App\\Jobs\\OAuth\\Oura\\OuraActivityPull",
            "sleep": "App\\Jobs\\OAuth\\Oura\\OuraSleepPull",
            "sleep_records": "App\\Jobs\\OAuth\\Oura\\OuraSleepRecordsPull",
            "readiness": "App\\Jobs\\OAuth\\Oura\\OuraReadinessPull",
            "resilience": "App\\Jobs\\OAuth\\Oura\\OuraResiliencePull",
            "stress": "App\\Jobs\\OAuth\\Oura\\OuraStressPull",
            "workouts": "App\\Jobs\\OAuth\\Oura\\OuraWorkoutsPull",
            "sessions": "App\\Jobs\\OAuth\\Oura\\OuraSessionsPull",
            "tags": "App\\Jobs\\OAuth\\Oura\\OuraTagsPull",
            "heartrate": "App\\Jobs\\OAuth\\Oura\\OuraHeartratePull",
            "spo2": "App\\Jobs\\OAuth\\Oura\\OuraSpo2Pull",
        ]),
        FetchJobRoutes(service: "hevy", authentication: .apiKey, defaultInstanceType: "workouts",
                       jobs: ["workouts": "App\\Jobs\\OAuth\\Hevy\\HevyWorkoutPull"]),
    ]
}
