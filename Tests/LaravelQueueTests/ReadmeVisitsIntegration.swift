// README.md, "Adding an integration": the example integration, verbatim (IntegrationReadmeTests checks it).
import Database
import LaravelQueue
import PHPSerialization

/// `App\Jobs\RecordVisit` run natively: a row in the app's `visits` table per job.
public struct VisitsIntegration: Integration {
    public let name = "Visits"

    public init() {}

    public func register(into registrar: inout JobRegistrar, resources: IntegrationResources) async throws {
        let database = try resources.database()  // DB_CONNECTION's; another by its Laravel name: database("pgsql")
        try registrar.register("App\\Jobs\\RecordVisit", RecordVisit(database: database))
    }
}

struct RecordVisit: JobHandler {
    let database: DatabasePool

    func handle(_ context: JobContext) async throws {
        let page = context.property("page")?.stringValue ?? "/"
        try await database.execute("insert into visits (page, attempt) values (?, ?)", [.text(page), .int(context.attempts)])
    }
}
