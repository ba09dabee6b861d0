import Database
import PHPFormats

extension SparkWriter {
    /// `CheckIntegrationUpdates`' first query (spec §6.2 step 1): non-deleted integrations whose user exists and
    /// whose service is an OAuth one with a live group holding an `access_token`, or an API-key one; with their
    /// user and group, oldest first (the app's query has no order; this one is stable for logs and tests).
    public func scheduleCandidates(oauthServices: [String], apiKeyServices: [String]) async throws -> [SparkIntegration] {
        guard !oauthServices.isEmpty || !apiKeyServices.isEmpty else { return [] }
        func list(_ services: [String]) -> String {
            services.isEmpty ? "(null)" : "(" + Array(repeating: "?", count: services.count).joined(separator: ",") + ")"
        }
        let sql = """
            select \(integrationColumns)
            from integrations i
            join users u on u.id = i.user_id
            left join integration_groups g on g.id = i.integration_group_id and g.deleted_at is null
            where i.deleted_at is null
              and ((i.service in \(list(oauthServices)) and g.id is not null and g.access_token is not null)
                or i.service in \(list(apiKeyServices)))
            order by i.created_at, i.id
            """
        let bindings = (oauthServices + apiKeyServices).map { SQLValue.text($0) }
        return try await query(sql, bindings).map(Self.integration)
    }

    /// `markAsTriggered()`: `last_triggered_at` (and, as Eloquent's save, `updated_at`) = now.
    public func markTriggered(_ integrationId: String) async throws {
        let now = clock.nowText
        try await execute("update integrations set last_triggered_at = ?, updated_at = ? where id = ?",
                          [.text(now), .text(now), .text(integrationId)])
    }

    /// Per integration (deleted ones left out): its last runs and the rows it has written, for `shuttle status`.
    public func integrationActivity() async throws -> [IntegrationActivity] {
        let sql = """
            select i.id, i.service, i.instance_type, i.name,
              \(timeColumn("i.last_triggered_at")) as last_triggered_at,
              \(timeColumn("i.last_successful_update_at")) as last_successful_update_at,
              (select count(*) from events e where e.integration_id = i.id and e.deleted_at is null) as events,
              (select count(distinct o.id) from objects o join events e on (e.actor_id = o.id or e.target_id = o.id)
                 where e.integration_id = i.id and o.deleted_at is null) as objects,
              (select count(*) from blocks b join events e on e.id = b.event_id
                 where e.integration_id = i.id and b.deleted_at is null) as blocks
            from integrations i
            where i.deleted_at is null
            order by i.service, i.instance_type, i.id
            """
        return try await query(sql).map { row in
            IntegrationActivity(id: row["id"]?.string ?? "", service: row["service"]?.string, instanceType: row["instance_type"]?.string,
                                name: row["name"]?.string, lastTriggeredAt: row["last_triggered_at"]?.string,
                                lastSuccessfulUpdateAt: row["last_successful_update_at"]?.string,
                                events: row["events"]?.int ?? 0, objects: row["objects"]?.int ?? 0, blocks: row["blocks"]?.int ?? 0)
        }
    }
}
