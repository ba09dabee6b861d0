import LaravelQueue
import PHPSerialization
import Spark

/// A fetch job as the app dispatches it (`$jobClass::dispatch($integration)`): every fetch class extends
/// `BaseFetchJob`, so all serialize alike (spec §4.4): `$timeout` 120, `$tries` 3, `$backoff` [60,300,600]
/// (public, omitted by `SerializesModels` from v9.4 as equal to their defaults), the integration as a
/// ModelIdentifier with relations `["user","group"]`, and `$serviceName`. No `onQueue`: it goes to the
/// connection's default queue (Spark: `pull`) and its command's `queue` stays `N;`.
enum FetchJob {
    static func pending(className: String, integration: SparkIntegration, databaseConnection: String,
                        version: LaravelVersion) -> PendingJob {
        let identifier = ModelIdentifier(modelClass: SparkIntegration.phpClass, id: .string(integration.id),
                                         relations: ["user", "group"], connection: databaseConnection)
        let backoff = PHPValue.array(PHPArray(list: [.int(60), .int(300), .int(600)]))
        return PendingJob(
            className: className,
            properties: [
                JobProperty("timeout", .public, .int(120), default: .int(120)),
                JobProperty("tries", .public, .int(3), default: .int(3)),
                JobProperty("backoff", .public, backoff, default: backoff),
                .model("integration", .protected, identifier),
                JobProperty("serviceName", .protected, .string(integration.service ?? ""), default: nil),
            ],
            version: version, shape: .serializesModels)
    }
}
