import LaravelQueue

/// Horizon's payload fields (`type`, automatic model `tags`, `silenced`) for the processing jobs, used when the
/// hook's own payload shows the app pushes through Horizon's `RedisQueue`: PHP's Horizon workers and dashboard
/// read them. The dashboard's pending-job records are not written (only the worker's Horizon producer does that).
struct HorizonPayloadFields: DispatchHook {
    /// Whether a payload was pushed by Horizon (it carries Horizon's `type` and `tags`).
    static func cameThroughHorizon(_ payload: Payload) -> Bool {
        payload.json["type"] != nil && payload.json["tags"] != nil
    }

    func horizonOptions(for job: PendingJob) -> HorizonOptions? {
        let models = job.properties.compactMap { property -> ModelIdentifier? in
            if case .model(let model)? = property.value { return model } else { return nil }
        }
        return HorizonOptions(type: "job", tags: HorizonOptions.modelTags(models))
    }

    func willPush(_ payloads: [Payload], connection: String, queue: String) async throws {}

    func didPush(_ payloads: [Payload]) async {}
}
