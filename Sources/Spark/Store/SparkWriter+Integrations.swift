import Database
import LaravelQueue
import PHPFormats
import PHPSerialization

extension SparkWriter {
    /// The integration a job's ModelIdentifier names, as PHP restores it: `SELECT * … WHERE id = ?` without
    /// the soft-delete filter, then the listed relations (`user`, `group`; the group's soft-delete scope
    /// applies). A missing row throws PHP's `ModelNotFoundException`.
    public func integration(_ identifier: ModelIdentifier) async throws -> SparkIntegration {
        let model = identifier.modelClass ?? SparkIntegration.phpClass
        guard let id = identifier.id.stringValue ?? identifier.id.intValue.map(String.init) else {
            throw ModelNotFound.error(model: model, ids: [])
        }
        guard let integration = try await integration(id: id) else { throw ModelNotFound.error(model: model, ids: [id]) }
        return integration
    }

    /// The integration with this id and its user and group, in one statement; nil when there is none.
    public func integration(id: String) async throws -> SparkIntegration? {
        // A key that is not a uuid names no row (PostgreSQL would reject it as input for a uuid column).
        guard Self.isUUID(id) else { return nil }
        let sql = """
            select \(integrationColumns), \(timeColumn("i.deleted_at")) as deleted_at
            from integrations i
            left join users u on u.id = i.user_id
            left join integration_groups g on g.id = i.integration_group_id and g.deleted_at is null
            where i.id = ? limit 1
            """
        guard let row = try await query(sql, [.text(id)]).first else { return nil }
        return Self.integration(row)
    }

    /// The columns `integration(_:)` reads: the integration (`i`), its user (`u`) and its live group (`g`).
    var integrationColumns: String {
        """
        i.id, i.user_id, i.integration_group_id, i.service, i.name, i.instance_type, i.account_id,
          \(jsonColumn("i.configuration")) as configuration, \(timeColumn("i.last_triggered_at")) as last_triggered_at,
          \(timeColumn("i.last_successful_update_at")) as last_successful_update_at,
          u.id as u_id, u.name as u_name, u.email as u_email,
          g.id as g_id, g.user_id as g_user_id, g.service as g_service, g.account_id as g_account_id
        """
    }

    /// An integration with its user and group from a row of `integrationColumns` (and `deleted_at` when selected).
    static func integration(_ row: SQLRow) -> SparkIntegration {
        var integration = SparkIntegration(
            id: row["id"]?.string ?? "", userId: row["user_id"]?.string ?? "",
            integrationGroupId: row["integration_group_id"]?.string, service: row["service"]?.string,
            name: row["name"]?.string, instanceType: row["instance_type"]?.string, accountId: row["account_id"]?.string,
            configuration: row["configuration"]?.string.flatMap { try? JSONParser.parse($0) },
            lastTriggeredAt: row["last_triggered_at"]?.string, lastSuccessfulUpdateAt: row["last_successful_update_at"]?.string,
            deletedAt: row["deleted_at"]?.string)
        if let userId = row["u_id"]?.string {
            integration.user = SparkUser(id: userId, name: row["u_name"]?.string ?? "", email: row["u_email"]?.string ?? "")
        }
        if let groupId = row["g_id"]?.string {
            integration.group = IntegrationGroup(id: groupId, userId: row["g_user_id"]?.string ?? "",
                                                 service: row["g_service"]?.string ?? "", accountId: row["g_account_id"]?.string)
        }
        return integration
    }

    /// The non-deleted integration of `group` with this service and instance type, created (with
    /// configuration `[]`) when missing; its id. Locked by group and type, so concurrent jobs create one.
    public func findOrCreateIntegration(group: IntegrationGroup, userId: String, service: String, instanceType: String,
                                        name: String) async throws -> String {
        let find = """
            select id from integrations where integration_group_id = ? and service = ? and instance_type = ?
              and deleted_at is null order by created_at, id limit 1
            """
        let bindings: [SQLValue] = [.text(group.id), .text(service), .text(instanceType)]
        if let id = try await query(find, bindings).first?["id"]?.string { return id }
        try await lock(["integrations|\(group.id)|\(service)|\(instanceType)"])
        if let id = try await query(find, bindings).first?["id"]?.string { return id }
        let id = Self.newId()
        let now = clock.nowText
        try await execute(
            """
            insert into integrations (id, user_id, integration_group_id, service, name, instance_type, configuration,
              created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(id), .text(userId), .text(group.id), .text(service), .text(name), .text(instanceType), .text("[]"),
             .text(now), .text(now)])
        return id
    }

    static func isUUID(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard (48...57).contains(c) || (97...102).contains(c) || (65...70).contains(c) else { return false }
            }
        }
        return true
    }
}
