import LaravelQueue
import PHPFormats
import PHPSerialization
/// The `retried_by` field of a failed job's Horizon hash: the JSON list of its dashboard retries,
/// `[{"id":…,"status":"pending","retried_at":…}, …]` (spec §8.6).
enum HorizonRetriedBy {
    /// Sets `status` of the entry whose `id` is `retryId`, re-encoded as PHP's `json_encode` would
    /// (Horizon decodes, maps and re-encodes the whole list). Nil when the text is not a JSON list or
    /// object, which Horizon would have replaced with `[]`: Shuttle leaves such a field alone.
    static func settingStatus(_ status: String, of retryId: String, in text: [UInt8]) -> [UInt8]? {
        guard let decoded = try? JSONParser.parse(text) else { return nil }
        func update(_ entry: JSONValue) -> JSONValue {
            guard case .object(var object) = entry, object["id"]?.stringValue == retryId else { return entry }
            object["status"] = .string(status)
            return .object(object)
        }
        let updated: JSONValue
        switch decoded {
        case .array(let entries): updated = .array(entries.map(update))
        case .object(let object):
            updated = .object(JSONObject(object.members.map { JSONObject.Member(key: $0.key, value: update($0.value)) }))
        default: return nil
        }
        return try? JSONWriter.encode(updated, options: .plain)
    }
}
