import PHPFormats
/// Present when Laravel Horizon's queue connector is installed: it changes `id` and appends four fields
/// after re-encoding the payload with plain `json_encode` (spec §8.2).
public struct HorizonOptions: Hashable, Sendable {
    /// `job` | `broadcast` | `event` | `mail` | `notification`.
    public var type: String
    /// Explicit `tags()`, else `ModelClass:key` for every model property.
    public var tags: [String]
    public var silenced: Bool
    /// Horizon before PR #1759 (v5.33.5 included) writes `"delay":null` even for `later()`.
    public var recordsLaterDelay: Bool

    public init(type: String = "job", tags: [String] = [], silenced: Bool = false, recordsLaterDelay: Bool = false) {
        self.type = type; self.tags = tags; self.silenced = silenced; self.recordsLaterDelay = recordsLaterDelay
    }

    /// Horizon's automatic tags for models (`src/Tags.php`): `FQCN:key` per model or collection item.
    public static func modelTags(_ models: [ModelIdentifier]) -> [String] {
        models.flatMap { m -> [String] in
            guard let cls = m.modelClass else { return [] }
            return m.ids.compactMap { key in
                switch key {
                case .int(let v): return "\(cls):\(v)"
                case .string: return key.stringValue.map { "\(cls):\($0)" }
                default: return nil
                }
            }
        }
    }
}
