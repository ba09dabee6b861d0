import Database
import PHPFormats

extension SparkWriter {
    /// Upserts objects as Eloquent's `updateOrCreate` on (user, concept, type, title) would, batched: one
    /// SELECT, then for the keys not found a lock, a second look and one multi-row INSERT; the changed values
    /// of existing objects are written by one UPDATE at the end of the transaction (`finish`). A key written
    /// twice keeps its last values (the last writer wins in PHP too). Returns every key's object id.
    ///
    /// `objects` has no unique key, so without the lock two jobs in flight could both miss a key and both
    /// insert it; PHP has that race, Shuttle does not. Only missing keys are locked, and existing rows are
    /// locked only by the final UPDATE, so jobs touching the same counterparties still run side by side.
    @discardableResult
    public func upsertObjects(_ writes: [SparkObject]) async throws -> [ObjectKey: String] {
        var order: [ObjectKey] = []
        var latest: [ObjectKey: SparkObject] = [:]
        for write in writes {
            if latest.updateValue(write, forKey: write.key) == nil { order.append(write.key) }
        }
        guard !order.isEmpty else { return [:] }
        var stored = try await storedObjects(order)
        let missing = order.filter { stored[$0] == nil }
        if !missing.isEmpty {
            try await lock(missing.map { "objects|\($0.userId)|\($0.concept)|\($0.type)|\($0.title)" })
            stored.merge(try await storedObjects(missing)) { $1 }
        }

        var ids: [ObjectKey: String] = [:]
        var inserts: [[SQLValue]] = []
        let now = clock.nowText
        for key in order {
            guard let write = latest[key] else { continue }
            let metadata = try Self.json(write.metadata)
            if let existing = stored[key] {
                ids[key] = existing.id
                let changed = existing.time != write.time || existing.content != write.content
                    || existing.metadata != metadata.string || existing.url != write.url
                if changed {
                    pending.add(id: existing.id, [.text(existing.id), .text(write.time), .text(write.content), metadata, .text(write.url)])
                }
            } else {
                let id = Self.newId()
                ids[key] = id
                inserts.append([.text(id), .text(write.time), .text(key.userId), .text(key.concept), .text(key.type),
                                .text(key.title), .text(write.content), metadata, .text(write.url), .text(now), .text(now)])
            }
        }
        for start in stride(from: 0, to: inserts.count, by: Self.chunk) {
            let slice = inserts[start..<min(inserts.count, start + Self.chunk)]
            try await execute(
                "insert into objects (id, time, user_id, concept, type, title, content, metadata, url, created_at, updated_at) values "
                    + Self.placeholders(rows: slice.count, columns: 11),
                slice.flatMap { $0 })
        }
        return ids
    }

    /// Writes the object updates `upsertObjects` held back: on PostgreSQL the rows are locked first in id order,
    /// so two jobs updating the same objects wait for each other instead of deadlocking. `FOR NO KEY UPDATE`, the
    /// lock the UPDATE itself takes (no key column changes): `FOR UPDATE` would also wait on the `FOR KEY SHARE`
    /// locks that inserting events puts on the objects they reference, and two jobs of one account — each
    /// holding its events' references and wanting the other's objects — deadlocked.
    func finish() async throws {
        let updates = pending.take()
        guard !updates.isEmpty else { return }
        if dialect == .postgres {
            let ids = updates.compactMap { $0.first }
            _ = try await query(
                "select id from objects where id in (\(Array(repeating: "?", count: ids.count).joined(separator: ","))) order by id for no key update",
                ids)
        }
        try await updateRows("objects", columns: [("time", "timestamptz"), ("content", "text"), ("metadata", "json"), ("url", "text")],
                             rows: updates)
    }

    /// The live objects of these keys (the oldest of duplicates PHP may have left).
    func storedObjects(_ keys: [ObjectKey]) async throws -> [ObjectKey: StoredObject] {
        var stored: [ObjectKey: StoredObject] = [:]
        for start in stride(from: 0, to: keys.count, by: Self.chunk) {
            let slice = keys[start..<min(keys.count, start + Self.chunk)]
            let sql = """
                select id, user_id, concept, type, title, \(timeColumn("time")) as time, content,
                  \(jsonColumn("metadata")) as metadata, url
                from objects where deleted_at is null and (user_id, concept, type, title) in (\(Self.placeholders(rows: slice.count, columns: 4)))
                order by created_at, id
                """
            let bindings = slice.flatMap { [SQLValue.text($0.userId), .text($0.concept), .text($0.type), .text($0.title)] }
            for row in try await query(sql, bindings) {
                let key = ObjectKey(userId: row["user_id"]?.string ?? "", concept: row["concept"]?.string ?? "",
                                    type: row["type"]?.string ?? "", title: row["title"]?.string ?? "")
                guard stored[key] == nil, let id = row["id"]?.string else { continue }
                stored[key] = StoredObject(id: id, time: row["time"]?.string, content: row["content"]?.string,
                                           metadata: row["metadata"]?.string, url: row["url"]?.string)
            }
        }
        return stored
    }

    /// The user's live (not archived) Monzo-style pot objects with their `metadata.pot_id`, for matching a
    /// counterparty against pots as the app's `metadata->pot_id @> …` query does.
    public func objects(userId: String, concept: String, type: String) async throws -> [(id: String, title: String, metadata: JSONValue?)] {
        let rows = try await query(
            """
            select id, title, \(jsonColumn("metadata")) as metadata from objects
            where user_id = ? and concept = ? and type = ? and deleted_at is null order by created_at, id
            """,
            [.text(userId), .text(concept), .text(type)])
        return rows.compactMap { row in
            guard let id = row["id"]?.string else { return nil }
            return (id, row["title"]?.string ?? "", row["metadata"]?.string.flatMap { try? JSONParser.parse($0) })
        }
    }
}
