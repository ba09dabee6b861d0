import Database
import PHPFormats

extension SparkWriter {
    /// Attaches tags to events as spatie's `attachTag` does (spec §3.7), for a whole job at once: one SELECT
    /// of the tags named (by name or slug), and one INSERT of every taggable (ON CONFLICT DO NOTHING, so
    /// attaching twice is a no-op). Missing tags are created under a lock, in attach order, each with
    /// `order_column` = max + 1, as PHP would create them one by one.
    public func attachTags(_ attachments: [(event: EventKey, tags: [String])], events: EventUpsert) async throws {
        let names = attachments.flatMap(\.tags)
        guard !names.isEmpty else { return }
        var known = try await tags(named: names)
        if names.contains(where: { name in !known.contains { $0.matches(name) } }) {
            // Creating a tag reads max(order_column): one creator at a time, and look again under the lock.
            try await lock(["tags"])
            known = try await tags(named: names)
            try await createMissingTags(names, known: &known)
        }

        var rows: [Taggable] = []
        var seen: Set<Taggable> = []
        for attachment in attachments {
            guard let eventId = events.ids[attachment.event] else { continue }
            for name in attachment.tags {
                guard let tag = known.first(where: { $0.matches(name) }) else { continue }
                let row = Taggable(tagId: tag.id, taggableId: eventId)
                if seen.insert(row).inserted { rows.append(row) }
            }
        }
        for start in stride(from: 0, to: rows.count, by: Self.chunk) {
            let slice = rows[start..<min(rows.count, start + Self.chunk)]
            try await execute(
                "insert into taggables (tag_id, taggable_id, taggable_type) values \(Self.placeholders(rows: slice.count, columns: 3)) on conflict do nothing",
                slice.flatMap { [SQLValue.int($0.tagId), .text($0.taggableId), .text($0.taggableType)] })
        }
    }

    /// Tags without type whose English name or slug is one of `names`, oldest first (PHP's unordered
    /// `first()` in practice).
    func tags(named names: [String]) async throws -> [SparkTag] {
        let unique = Array(Set(names)).sorted()
        let list = Array(repeating: "?", count: unique.count).joined(separator: ",")
        let name = dialect == .postgres ? "name->>'en'" : "json_extract(name, '$.en')"
        let slug = dialect == .postgres ? "slug->>'en'" : "json_extract(slug, '$.en')"
        let rows = try await query(
            "select id, \(name) as name_en, \(slug) as slug_en, order_column from tags where type is null and (\(name) in (\(list)) or \(slug) in (\(list))) order by id",
            unique.map { .text($0) } + unique.map { .text($0) })
        return rows.compactMap { row in
            guard let id = row["id"]?.int64 else { return nil }
            return SparkTag(id: id, name: row["name_en"]?.string ?? "", slug: row["slug_en"]?.string ?? "",
                            orderColumn: row["order_column"]?.int64)
        }
    }

    /// Inserts, in first-attach order, each name no known tag matches (a tag made earlier in the batch counts).
    func createMissingTags(_ names: [String], known: inout [SparkTag]) async throws {
        var pending: [(name: String, slug: String)] = []
        for name in names where !known.contains(where: { $0.matches(name) }) && !pending.contains(where: { $0.name == name || $0.slug == name }) {
            pending.append((name, LaravelStr.slug(name)))
        }
        guard !pending.isEmpty else { return }
        let maxOrder = try await query("select coalesce(max(order_column), 0) as m from tags").first?["m"]?.int64 ?? 0
        let now = clock.nowText
        var bindings: [SQLValue] = []
        for (offset, tag) in pending.enumerated() {
            bindings += [.text(try Self.translation(tag.name)), .text(try Self.translation(tag.slug)),
                         .int(maxOrder + Int64(offset) + 1), .text(now), .text(now)]
        }
        let rows = try await query(
            "insert into tags (name, slug, order_column, created_at, updated_at) values \(Self.placeholders(rows: pending.count, columns: 5)) returning id, order_column",
            bindings)
        // RETURNING's row order is not promised: each new tag's order_column says which one it is.
        for row in rows {
            guard let id = row["id"]?.int64, let order = row["order_column"]?.int64 else { continue }
            let offset = Int(order - maxOrder - 1)
            guard pending.indices.contains(offset) else { continue }
            known.append(SparkTag(id: id, name: pending[offset].name, slug: pending[offset].slug, orderColumn: order))
        }
    }

    /// `{"en":"…"}` as spatie's translatable attributes write it: slashes and Unicode unescaped.
    static func translation(_ text: String) throws -> String {
        let value = JSONValue.object(JSONObject([SparkTag.locale: .string(text)]))
        return String(decoding: try JSONWriter.encode(value, options: [.unescapedUnicode, .unescapedSlashes]), as: UTF8.self)
    }
}
