import Database
import Foundation
import PHPFormats
import Spark
import TestSupport

/// The rows the jobs wrote, read back in the shape of `expected-rows.json`: objects named
/// `concept/type/title`, JSON parsed (so compared as values, ints and floats kept apart), ids left out.
public struct SparkRows {
    public struct Event: Equatable, CustomStringConvertible {
        public var sourceId: String
        public var integration: String
        public var time: String
        public var fields: [String: String]
        public var eventMetadata: JSONValue
        public var actor: String
        public var target: String
        public var blocks: [Block]
        public var tags: Set<String>
        public var description: String { "\(sourceId) \(fields) \(eventMetadata) \(actor) → \(target) blocks \(blocks) tags \(tags.sorted())" }
    }

    public struct Block: Equatable, Hashable, CustomStringConvertible {
        public var fields: [String: String]
        public var metadata: JSONValue
        public var description: String { "\(fields.sorted { $0.key < $1.key }) \(metadata)" }
    }

    public struct Object: Equatable, CustomStringConvertible {
        public var name: String
        public var fields: [String: String]
        public var metadata: JSONValue
        public var description: String { "\(name) \(fields.sorted { $0.key < $1.key }) \(metadata)" }
    }

    public var events: [String: Event] = [:]
    public var objects: [String: Object] = [:]
    public var tagNames: [String] = []

    /// A nullable column as text, `null` for NULL (so expected and actual compare as strings).
    static func text(_ value: SQLValue?) -> String {
        guard let value, value != .null else { return "null" }
        return value.string ?? "?"
    }

    static func json(_ value: SQLValue?) throws -> JSONValue {
        guard let text = value?.string else { return .null }
        return try JSONParser.parse(text)
    }

    public static func read(_ db: SparkTestDatabase) async throws -> SparkRows {
        var rows = SparkRows()
        let instance = Dictionary(uniqueKeysWithValues: db.integrations.map { ($0.value, $0.key) })
        let objectRows = try await db.rows(
            "select id, concept, type, title, \(db.time("time")) as time, content, \(db.json("metadata")) as metadata, url, media_url from objects where deleted_at is null")
        var names: [String: String] = [:]
        for row in objectRows {
            let name = "\(text(row["concept"]))/\(text(row["type"]))/\(text(row["title"]))"
            names[text(row["id"])] = name
            rows.objects[name] = Object(
                name: name,
                fields: ["time": text(row["time"]), "content": text(row["content"]), "url": text(row["url"]), "media_url": text(row["media_url"])],
                metadata: try json(row["metadata"]))
        }
        var blocks: [String: [Block]] = [:]
        for row in try await db.rows(
            "select event_id, block_type, title, \(db.time("time")) as time, \(db.json("metadata")) as metadata, url, media_url, value, value_multiplier, value_unit from blocks where deleted_at is null") {
            blocks[text(row["event_id"]), default: []].append(Block(
                fields: ["block_type": text(row["block_type"]), "title": text(row["title"]), "time": text(row["time"]),
                         "url": text(row["url"]), "media_url": text(row["media_url"]), "value": text(row["value"]),
                         "value_multiplier": text(row["value_multiplier"]), "value_unit": text(row["value_unit"])],
                metadata: try json(row["metadata"])))
        }
        let nameEn = db.backend == .postgres ? "t.name->>'en'" : "json_extract(t.name, '$.en')"
        var tags: [String: Set<String>] = [:]
        for row in try await db.rows("select g.taggable_id, \(nameEn) as name from taggables g join tags t on t.id = g.tag_id") {
            tags[text(row["taggable_id"]), default: []].insert(text(row["name"]))
        }
        for row in try await db.rows(
            """
            select id, source_id, integration_id, \(db.time("time")) as time, service, domain, action, value, value_multiplier,
              value_unit, \(db.json("event_metadata")) as event_metadata, actor_metadata, target_metadata, embeddings, actor_id, target_id
            from events where deleted_at is null
            """) {
            let id = text(row["id"])
            let sourceId = text(row["source_id"])
            rows.events[sourceId] = Event(
                sourceId: sourceId, integration: instance[text(row["integration_id"])] ?? "?", time: text(row["time"]),
                fields: ["service": text(row["service"]), "domain": text(row["domain"]), "action": text(row["action"]),
                         "value": text(row["value"]), "value_multiplier": text(row["value_multiplier"]),
                         "value_unit": text(row["value_unit"]), "actor_metadata": text(row["actor_metadata"]),
                         "target_metadata": text(row["target_metadata"]), "embeddings": text(row["embeddings"])],
                eventMetadata: try json(row["event_metadata"]),
                actor: names[text(row["actor_id"])] ?? "?", target: names[text(row["target_id"])] ?? "?",
                blocks: (blocks[id] ?? []).sorted { $0.description < $1.description }, tags: tags[id] ?? [])
        }
        rows.tagNames = try await db.rows("select \(nameEn) as name from tags t order by order_column, id").map { text($0["name"]) }
        return rows
    }

    public static let monzoInstances: [String: String] = [
        "1ee00000-0000-4000-8000-0000000000a0": "accounts", "1ee00000-0000-4000-8000-0000000000t1": "transactions",
        "1ee00000-0000-4000-8000-0000000000p1": "pots", "1ee00000-0000-4000-8000-0000000000b1": "balances",
    ]

    /// The same shape built from an `expected-rows.json` (`fixture`, under `fixtures/`), whose placeholder
    /// integration ids `instances` maps to instance types.
    public static func expected(fixture: String = "monzo/expected-rows.json",
                                instances instance: [String: String] = monzoInstances) throws -> SparkRows {
        let root = try JSONParser.parse(try TestEnvironment.fixture(fixture))
        func text(_ value: JSONValue?) -> String {
            switch value {
            case nil, .null?: return "null"
            case .string?: return value?.stringValue ?? ""
            case .number(let n)?: return n.text
            // A JSON column compared as the text PHP's json_encode writes (`[]` for actor_metadata).
            case .array?, .object?: return value.flatMap { try? PHPJSON.encode($0) } ?? "?"
            default: return "?"
            }
        }
        func block(_ block: JSONValue) -> Block {
            var fields: [String: String] = [:]
            for name in ["block_type", "title", "time", "url", "media_url", "value", "value_multiplier", "value_unit"] {
                fields[name] = text(block[name])
            }
            return Block(fields: fields, metadata: block["metadata"] ?? .null)
        }
        var rows = SparkRows()
        for event in root["events"]?.arrayValue ?? [] {
            let sourceId = text(event["source_id"])
            var fields: [String: String] = [:]
            for name in ["service", "domain", "action", "value", "value_multiplier", "value_unit", "actor_metadata",
                         "target_metadata", "embeddings"] {
                fields[name] = text(event[name])
            }
            let blocks: [Block] = (event["blocks"]?.arrayValue ?? []).map(block).sorted { $0.description < $1.description }
            let tags: [String] = (event["tags_attached_in_call_order"]?.arrayValue ?? []).map { text($0) }
            rows.events[sourceId] = Event(
                sourceId: sourceId, integration: instance[text(event["integration_id"])] ?? "?", time: text(event["time"]),
                fields: fields, eventMetadata: event["event_metadata"] ?? .null, actor: text(event["actor"]),
                target: text(event["target"]), blocks: blocks, tags: Set(tags))
        }
        for object in root["objects_final_state"]?.arrayValue ?? [] {
            let name = "\(text(object["concept"]))/\(text(object["type"]))/\(text(object["title"]))"
            rows.objects[name] = Object(
                name: name,
                fields: ["time": text(object["time"]), "content": text(object["content"]), "url": text(object["url"]),
                         "media_url": text(object["media_url"])],
                metadata: object["metadata"] ?? .null)
        }
        rows.tagNames = (root["tags_table_rows_in_creation_order"]?.arrayValue ?? []).map { text($0) }
        return rows
    }
}
