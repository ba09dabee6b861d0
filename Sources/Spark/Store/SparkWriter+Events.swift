import Database
import PHPFormats

extension SparkWriter {
    /// Upserts events on (`integration_id`, `source_id`) as `updateOrCreate` would, batched: one SELECT that
    /// also locks the existing rows (PostgreSQL, in key order), one INSERT … ON CONFLICT DO NOTHING for the
    /// new ones (a row another job inserted meanwhile is read back and treated as existing), one UPDATE for
    /// the changed ones. A key written twice keeps its last values.
    ///
    /// A key whose row is soft-deleted cannot be written (the unique index covers deleted rows, so PHP's
    /// INSERT fails there too): it is left out of the result and reported in `skipped`.
    public func upsertEvents(_ writes: [SparkEvent], objects: [ObjectKey: String]) async throws -> EventUpsert {
        var order: [EventKey] = []
        var latest: [EventKey: SparkEvent] = [:]
        for write in writes {
            if latest.updateValue(write, forKey: write.key) == nil { order.append(write.key) }
        }
        var result = EventUpsert()
        guard !order.isEmpty else { return result }

        var stored = try await storedEvents(order)
        let now = clock.nowText
        var inserts: [[SQLValue]] = []
        var insertKeys: [EventKey] = []
        var inserted: [EventKey: String] = [:]
        for key in order where stored[key] == nil {
            guard let write = latest[key] else { continue }
            let (actor, target) = try Self.objectIds(write, objects)
            let id = Self.newId()
            inserted[key] = id
            insertKeys.append(key)
            inserts.append([.text(id), .text(key.sourceId), .text(write.time), .text(key.integrationId), .text(actor),
                            .text(write.service), .text(write.domain), .text(write.action), write.value.map(SQLValue.int) ?? .null,
                            .int(write.valueMultiplier), .text(write.valueUnit), try Self.json(write.eventMetadata),
                            .text(target), try Self.json(write.actorMetadata), try Self.json(write.targetMetadata),
                            .text(now), .text(now)])
        }
        var raced: [EventKey] = []
        let returned = try await insertRows(
            "events",
            columns: [("id", "uuid"), ("source_id", "text"), ("time", "timestamptz"), ("integration_id", "uuid"), ("actor_id", "uuid"),
                      ("service", "text"), ("domain", "text"), ("action", "text"), ("value", "bigint"), ("value_multiplier", "integer"),
                      ("value_unit", "text"), ("event_metadata", "json"), ("target_id", "uuid"), ("actor_metadata", "json"),
                      ("target_metadata", "json"), ("created_at", "timestamptz"), ("updated_at", "timestamptz")],
            rows: inserts, suffix: "on conflict (integration_id, source_id) do nothing returning id")
        let created = Set(returned.compactMap { $0["id"]?.string })
        for (index, row) in inserts.enumerated() {
            guard let id = row[0].string, !created.contains(id) else { continue }
            inserted[insertKeys[index]] = nil
            raced.append(insertKeys[index])
        }
        if !raced.isEmpty {
            // Another job inserted these between our SELECT and INSERT: now committed, update them as ours.
            stored.merge(try await storedEvents(raced)) { $1 }
        }

        var updates: [[SQLValue]] = []
        for key in order {
            guard let write = latest[key] else { continue }
            if let id = inserted[key] {
                result.ids[key] = id
                result.created.insert(id)
                result.times[key] = write.time
                continue
            }
            guard let existing = stored[key] else { continue }
            if existing.deleted {
                result.skipped.append(key)
                continue
            }
            let (actor, target) = try Self.objectIds(write, objects)
            result.ids[key] = existing.id
            result.times[key] = write.time
            let metadata = try Self.json(write.eventMetadata)
            let changed = existing.time != write.time || existing.actorId != actor || existing.targetId != target
                || existing.service != write.service || existing.domain != write.domain || existing.action != write.action
                || existing.value != write.value || existing.valueMultiplier != write.valueMultiplier
                || existing.valueUnit != write.valueUnit || existing.eventMetadata != metadata.string
            if changed {
                updates.append([.text(existing.id), .text(write.time), .text(actor), .text(write.service), .text(write.domain),
                                .text(write.action), write.value.map(SQLValue.int) ?? .null, .int(write.valueMultiplier),
                                .text(write.valueUnit), metadata, .text(target)])
            }
        }
        if !updates.isEmpty {
            try await updateRows(
                "events",
                columns: [("time", "timestamptz"), ("actor_id", "uuid"), ("service", "text"), ("domain", "text"),
                          ("action", "text"), ("value", "bigint"), ("value_multiplier", "integer"), ("value_unit", "text"),
                          ("event_metadata", "json"), ("target_id", "uuid")],
                rows: updates)
        }
        return result
    }

    /// The ids of an event's actor and target, which the job must have upserted or looked up first.
    static func objectIds(_ event: SparkEvent, _ objects: [ObjectKey: String]) throws -> (actor: String, target: String) {
        guard let actor = objects[event.actor] else { throw SparkError.unknownObject(event.actor.description, event: event.key.sourceId) }
        guard let target = objects[event.target] else { throw SparkError.unknownObject(event.target.description, event: event.key.sourceId) }
        return (actor, target)
    }

    /// The rows of these keys, soft-deleted ones included, locked for the rest of the transaction. Keys are
    /// grouped by integration so the lookup is `integration_id = ? and source_id in (…)`, which PostgreSQL
    /// answers from the unique index (a row-value IN list made it scan the table).
    func storedEvents(_ keys: [EventKey]) async throws -> [EventKey: StoredEvent] {
        var stored: [EventKey: StoredEvent] = [:]
        let byIntegration = Dictionary(grouping: keys, by: \.integrationId)
        for (integrationId, group) in byIntegration.sorted(by: { $0.key < $1.key }) {
            let sources = group.map(\.sourceId).sorted()
            for start in stride(from: 0, to: sources.count, by: Self.chunk) {
                let slice = sources[start..<min(sources.count, start + Self.chunk)]
                let sql = """
                    select id, integration_id, source_id, \(timeColumn("time")) as time, actor_id, service, domain, action, value,
                      value_multiplier, value_unit, \(jsonColumn("event_metadata")) as event_metadata, target_id,
                      deleted_at is not null as deleted
                    from events where integration_id = ? and source_id in (\(Array(repeating: "?", count: slice.count).joined(separator: ",")))
                    order by source_id\(connection.forUpdate)
                    """
                for row in try await query(sql, [.text(integrationId)] + slice.map { .text($0) }) {
                    guard let id = row["id"]?.string else { continue }
                    let key = EventKey(integrationId: row["integration_id"]?.string ?? "", sourceId: row["source_id"]?.string ?? "")
                    stored[key] = StoredEvent(
                        id: id, time: row["time"]?.string, actorId: row["actor_id"]?.string, targetId: row["target_id"]?.string,
                        service: row["service"]?.string, domain: row["domain"]?.string, action: row["action"]?.string,
                        value: row["value"]?.int64, valueMultiplier: row["value_multiplier"]?.int64,
                        valueUnit: row["value_unit"]?.string, eventMetadata: row["event_metadata"]?.string,
                        deleted: (row["deleted"]?.int64 ?? 0) != 0)
                }
            }
        }
        return stored
    }

    /// The value of the latest live event of this integration, service, action and actor before `time`
    /// (the previous day's balance snapshot).
    public func latestEventValue(integrationId: String, service: String, action: String, actorId: String,
                                 before time: String) async throws -> Int64?? {
        let rows = try await query(
            """
            select value from events where integration_id = ? and service = ? and action = ? and actor_id = ?
              and time < \(cast("?", "timestamptz")) and deleted_at is null order by time desc limit 1
            """,
            [.text(integrationId), .text(service), .text(action), .text(actorId), .text(time)])
        guard let row = rows.first else { return nil }
        return .some(row["value"]?.int64)
    }
}
