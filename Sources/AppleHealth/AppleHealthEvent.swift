import Logging
import PHPFormats
import Spark

/// One event description as BaseProcessingJob's `createEvents` takes it (spec §5.2): the event, its actor and
/// target objects, and its blocks.
struct AppleHealthEvent: Sendable {
    var event: SparkEvent
    var actor: SparkObject
    var target: SparkObject
    var blocks: [SparkBlock]

    /// The user object every Apple Health event starts from; its time is overwritten by each event.
    static func user(userId: String, time: String) -> SparkObject {
        SparkObject(key: ObjectKey(userId: userId, concept: "user", type: "apple_health_user", title: "Apple Health"),
                    time: time, metadata: PHPJSON.emptyArray)
    }

    /// Writes the descriptions in order, batched: objects (actor then target of each event, the last values
    /// per object kept), events, then blocks.
    ///
    /// Intended behaviour, not 373618f's (⚠ spec §5.2, §8.5–§8.6): an event whose `source_id` exists is
    /// updated in place (PHP INSERTed it and failed on the unique key, aborting the job), and blocks are one
    /// per (event, title, block_type), updated in place rather than added again.
    static func write(_ descriptions: [AppleHealthEvent], writer: SparkWriter, logger: Logger) async throws {
        guard !descriptions.isEmpty else { return }
        var objects: [SparkObject] = []
        objects.reserveCapacity(descriptions.count * 2)
        for description in descriptions {
            objects.append(description.actor)
            objects.append(description.target)
        }
        let ids = try await writer.upsertObjects(objects)
        let written = try await writer.upsertEvents(descriptions.map(\.event), objects: ids)
        for key in written.skipped {
            logger.warning("Apple Health event skipped: a soft-deleted event holds its source_id", metadata: ["source_id": "\(key.sourceId)"])
        }
        try await writer.upsertBlocks(descriptions.flatMap(\.blocks), events: written)
    }
}
