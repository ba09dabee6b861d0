import Database
import LaravelQueue
import Spark

/// `shuttle status`'s per-integration part: from Spark's tables in the app's default database, each integration's
/// last trigger and last successful update, and the events, objects and blocks written under it. Nothing when
/// the database has no Spark tables (or cannot be reached: the queue part still prints).
enum IntegrationStatus {
    static func lines(environment: LaravelEnvironment, appRoot: String?) async -> [String] {
        let connection: any SQLConnection
        do {
            connection = try await DatabaseConfiguration.named(nil, environment: environment.variables, appRoot: appRoot).connect()
        } catch {
            return ["integrations: database not reachable (\(error))"]
        }
        defer { connection.close() }
        do {
            guard case .compatible = try await SparkSchemaCheck.check(connection) else { return [] }
            let store = SparkStore(database: SingleSessionDatabase(connection))
            let activity = try await store.write { try await $0.integrationActivity() }
            guard !activity.isEmpty else { return ["integrations: none"] }
            let rows = activity.map { a in
                [a.id, a.service ?? "-", a.instanceType ?? "-", a.lastTriggeredAt ?? "never", a.lastSuccessfulUpdateAt ?? "never",
                 String(a.events), String(a.objects), String(a.blocks)]
            }
            return ["integrations (times UTC):", ConsoleTable.render(
                headers: ["integration", "service", "type", "last triggered", "last updated", "events", "objects", "blocks"], rows: rows)]
        } catch {
            return ["integrations: \(error)"]
        }
    }
}
