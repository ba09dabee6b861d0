import Database
import PHPFormats

extension SparkWriter {
    /// Writes blocks one per (event, title, block_type), updated in place (the intended rule, spec §7.7 ⚠:
    /// 373618f inserted a fresh copy on every run). One SELECT of the events' blocks, one multi-row INSERT,
    /// one UPDATE. Blocks of events not in `events` (skipped ones) are dropped.
    public func upsertBlocks(_ writes: [SparkBlock], events: EventUpsert) async throws {
        struct Key: Hashable { var eventId: String; var title: String; var blockType: String? }
        var order: [Key] = []
        var latest: [Key: (SparkBlock, String)] = [:]
        for write in writes {
            guard let eventId = events.ids[write.event] else { continue }
            let key = Key(eventId: eventId, title: write.title, blockType: write.blockType)
            let time = write.time ?? events.times[write.event] ?? clock.nowText
            if latest.updateValue((write, time), forKey: key) == nil { order.append(key) }
        }
        guard !order.isEmpty else { return }

        let eventIds = Array(Set(order.map(\.eventId)).subtracting(events.created)).sorted()
        var stored: [Key: StoredBlock] = [:]
        for start in stride(from: 0, to: eventIds.count, by: Self.chunk) {
            let slice = eventIds[start..<min(eventIds.count, start + Self.chunk)]
            let sql = """
                select id, event_id, title, block_type, \(timeColumn("time")) as time, \(jsonColumn("metadata")) as metadata,
                  url, media_url, value, value_multiplier, value_unit
                from blocks where deleted_at is null and event_id in (\(Array(repeating: "?", count: slice.count).joined(separator: ",")))
                order by created_at, id
                """
            for row in try await query(sql, slice.map { .text($0) }) {
                guard let id = row["id"]?.string, let eventId = row["event_id"]?.string else { continue }
                let key = Key(eventId: eventId, title: row["title"]?.string ?? "", blockType: row["block_type"]?.string)
                guard stored[key] == nil else { continue }  // duplicates PHP left behind: the first is kept current
                stored[key] = StoredBlock(
                    id: id, time: row["time"]?.string, metadata: row["metadata"]?.string, url: row["url"]?.string,
                    mediaUrl: row["media_url"]?.string, value: row["value"]?.int64, valueMultiplier: row["value_multiplier"]?.int64,
                    valueUnit: row["value_unit"]?.string)
            }
        }

        let now = clock.nowText
        var inserts: [[SQLValue]] = []
        var updates: [[SQLValue]] = []
        for key in order {
            guard let (write, time) = latest[key] else { continue }
            let metadata = try Self.json(write.metadata)
            let value = write.value.map(SQLValue.int) ?? .null
            if let existing = stored[key] {
                let changed = existing.time != time || existing.metadata != metadata.string || existing.url != write.url
                    || existing.mediaUrl != write.mediaUrl || existing.value != write.value
                    || existing.valueMultiplier != write.valueMultiplier || existing.valueUnit != write.valueUnit
                if changed {
                    updates.append([.text(existing.id), .text(time), metadata, .text(write.url), .text(write.mediaUrl), value,
                                    .int(write.valueMultiplier), .text(write.valueUnit)])
                }
            } else {
                inserts.append([.text(Self.newId()), .text(key.eventId), .text(write.blockType), .text(time), .text(write.title),
                                metadata, .text(write.url), .text(write.mediaUrl), value, .int(write.valueMultiplier),
                                .text(write.valueUnit), .text(now), .text(now)])
            }
        }
        try await insertRows(
            "blocks",
            columns: [("id", "uuid"), ("event_id", "uuid"), ("block_type", "varchar"), ("time", "timestamptz"), ("title", "text"),
                      ("metadata", "json"), ("url", "text"), ("media_url", "text"), ("value", "bigint"), ("value_multiplier", "integer"),
                      ("value_unit", "text"), ("created_at", "timestamptz"), ("updated_at", "timestamptz")],
            rows: inserts)
        if !updates.isEmpty {
            try await updateRows(
                "blocks",
                columns: [("time", "timestamptz"), ("metadata", "json"), ("url", "text"), ("media_url", "text"),
                          ("value", "bigint"), ("value_multiplier", "integer"), ("value_unit", "text")],
                rows: updates)
        }
    }
}
