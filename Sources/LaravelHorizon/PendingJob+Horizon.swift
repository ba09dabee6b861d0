import LaravelQueue
import PHPFormats
import PHPSerialization
extension PendingJob {
    /// `JobPayload::prepare`'s fields for this job (spec §8.2).
    public func horizonOptions(recordsLaterDelay: Bool = false) -> HorizonOptions {
        HorizonOptions(type: horizonType, tags: horizonTags, silenced: silenced, recordsLaterDelay: recordsLaterDelay)
    }

    /// `determineType`: Laravel's queued envelopes by class name, anything else `job`.
    public var horizonType: String {
        switch className {
        case "Illuminate\\Broadcasting\\BroadcastEvent": return "broadcast"
        case "Illuminate\\Events\\CallQueuedListener": return "event"
        case "Illuminate\\Mail\\SendQueuedMailable": return "mail"
        case "Illuminate\\Notifications\\SendQueuedNotifications": return "notification"
        default: return "job"
        }
    }

    /// `Tags::for`: the explicit `tags` when there are any, else `Class:key` for each model held by a property,
    /// in property order, each once (Horizon drops equal models). An envelope's automatic tags come from the
    /// object it wraps, which is not modelled here, so it has none.
    /// A model written under a morph alias gets the alias, where PHP's `get_class` would give the class.
    public var horizonTags: [String] {
        if let tags, !tags.isEmpty { return Self.once(tags) }
        guard horizonType == "job" else { return [] }
        let models = properties.compactMap { p -> ModelIdentifier? in
            if case .model(let m)? = p.value { return m } else { return nil }
        }
        return Self.once(HorizonOptions.modelTags(models))
    }

    private static func once(_ tags: [String]) -> [String] {
        var seen = Set<String>()
        return tags.filter { seen.insert($0).inserted }
    }
}
