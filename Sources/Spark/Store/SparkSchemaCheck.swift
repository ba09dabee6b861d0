import Database

/// Checks that a database has every Spark column Shuttle reads or writes, with a compatible type, and
/// names the first that does not: Shuttle never alters an app's schema, so it refuses to start instead.
public enum SparkSchemaCheck {
    /// What a column must be able to hold.
    enum Kind: String {
        case id, text, time, json, integer

        /// PostgreSQL `information_schema.columns.data_type` values that fit.
        var postgresTypes: Set<String> {
            switch self {
            case .id: return ["uuid", "text", "character varying", "character"]
            case .text: return ["text", "character varying", "character"]
            case .time: return ["timestamp with time zone", "timestamp without time zone"]
            case .json: return ["json", "jsonb", "text"]
            case .integer: return ["bigint", "integer", "smallint", "numeric"]
            }
        }
    }

    /// Table → column → kind: exactly the columns the store's statements name.
    static let columns: [(table: String, columns: [(String, Kind)])] = [
        ("users", [("id", .id), ("name", .text), ("email", .text)]),
        ("integration_groups", [("id", .id), ("user_id", .id), ("service", .text), ("account_id", .text), ("access_token", .text),
                                ("deleted_at", .time)]),
        ("integrations", [("id", .id), ("user_id", .id), ("integration_group_id", .id), ("service", .text), ("name", .text),
                          ("instance_type", .text), ("account_id", .text), ("configuration", .json), ("last_triggered_at", .time),
                          ("last_successful_update_at", .time), ("created_at", .time), ("updated_at", .time), ("deleted_at", .time)]),
        ("objects", [("id", .id), ("time", .time), ("user_id", .id), ("concept", .text), ("type", .text), ("title", .text),
                     ("content", .text), ("metadata", .json), ("url", .text), ("created_at", .time), ("updated_at", .time),
                     ("deleted_at", .time)]),
        ("events", [("id", .id), ("source_id", .text), ("time", .time), ("integration_id", .id), ("actor_id", .id),
                    ("service", .text), ("domain", .text), ("action", .text), ("value", .integer), ("value_multiplier", .integer),
                    ("value_unit", .text), ("event_metadata", .json), ("target_id", .id), ("actor_metadata", .json),
                    ("target_metadata", .json), ("created_at", .time),
                    ("updated_at", .time), ("deleted_at", .time)]),
        ("blocks", [("id", .id), ("event_id", .id), ("block_type", .text), ("time", .time), ("title", .text), ("metadata", .json),
                    ("url", .text), ("media_url", .text), ("value", .integer), ("value_multiplier", .integer),
                    ("value_unit", .text), ("created_at", .time), ("updated_at", .time), ("deleted_at", .time)]),
        ("tags", [("id", .integer), ("name", .json), ("slug", .json), ("type", .text), ("order_column", .integer),
                  ("created_at", .time), ("updated_at", .time)]),
        ("taggables", [("tag_id", .integer), ("taggable_id", .id), ("taggable_type", .text)]),
    ]

    /// What the database holds of Spark's tables.
    public enum Outcome: Sendable, Equatable {
        /// Neither `objects` nor `events` exists: not a Spark database (an app may well have its own `users` or
        /// `integrations`), or not migrated yet.
        case absent
        case compatible
        /// The first table and column missing or of an incompatible type, on one line.
        case incompatible(String)
    }

    public static func check(_ connection: any SQLConnection) async throws -> Outcome {
        let found = try await columnTypes(connection)
        if found["objects"] == nil && found["events"] == nil { return .absent }
        for (table, wanted) in columns {
            guard let have = found[table] else { return .incompatible("table \(table) is missing") }
            for (column, kind) in wanted {
                guard let type = have[column] else { return .incompatible("column \(table).\(column) is missing") }
                if connection.dialect == .postgres, !kind.postgresTypes.contains(type) {
                    return .incompatible("column \(table).\(column) is \(type), Shuttle needs \(kind.rawValue) (one of \(kind.postgresTypes.sorted().joined(separator: ", ")))")
                }
            }
        }
        return .compatible
    }

    /// Table → column → type, for Spark's tables (SQLite's declared types are not checked: its columns take any value).
    static func columnTypes(_ connection: any SQLConnection) async throws -> [String: [String: String]] {
        let names = columns.map(\.table)
        let list = Array(repeating: "?", count: names.count).joined(separator: ",")
        let sql = connection.dialect == .postgres
            ? "select table_name as t, column_name as c, data_type as d from information_schema.columns where table_schema = current_schema() and table_name in (\(list))"
            : "select m.name as t, p.name as c, p.type as d from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table' and m.name in (\(list))"
        var found: [String: [String: String]] = [:]
        for row in try await connection.query(sql, names.map { .text($0) }) {
            guard let table = row["t"]?.string, let column = row["c"]?.string else { continue }
            found[table, default: [:]][column] = row["d"]?.string ?? ""
        }
        return found
    }
}
