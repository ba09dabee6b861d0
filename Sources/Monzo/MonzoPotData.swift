import LaravelQueue
import PHPFormats
import PHPSerialization
import Spark

/// `App\Jobs\Data\Monzo\MonzoPotData` (spec §7.6): per pot, its object (archived pots get their own
/// type) and a `had_balance` event for today against the day object. No blocks, no tags.
public struct MonzoPotData: JobHandler {
    public static let phpClass = "App\\Jobs\\Data\\Monzo\\MonzoPotData"

    let store: SparkStore

    public init(store: SparkStore) {
        self.store = store
    }

    public func handle(_ context: JobContext) async throws {
        let input = try MonzoJobInput(context, className: Self.phpClass, needsAccountId: true)
        let clock = store.clock
        let logger = context.logger
        do {
            try await store.write { writer in
                let integration = try await writer.integration(input.integration)
                let user = integration.userId, today = clock.today
                let day = MonzoObjects.day(userId: user, today: today)
                var objects = [day]
                var events: [SparkEvent] = []
                let pots = input.rawData.arrayValue?.values ?? []
                var masterEnsured = false
                for (index, pot) in pots.enumerated() {
                    guard case .array = pot else {
                        logger.warning("pot skipped: not an object", metadata: ["index": "\(index)", "integration": "\(integration.id)"])
                        continue
                    }
                    // As in PHP, a pot without an id fails the whole job (its id is part of the event's key);
                    // the transaction then leaves nothing half-written.
                    guard let potId = pot[php: "id"] else { throw MonzoJobError.undefinedKey("id") }
                    guard let time = SparkTime.eloquent(pot[php: "created"] ?? .string(clock.nowText)) else {
                        logger.warning("pot skipped: unreadable created time", metadata: ["pot": "\(potId.phpString)"])
                        continue
                    }
                    if !masterEnsured {  // PHP resolves it per pot; once per job has the same effect
                        try await MonzoObjects.ensureMaster(integration, writer: writer)
                        masterEnsured = true
                    }
                    let name = pot[php: "name"]?.phpString ?? "Pot"
                    let deleted = (pot[php: "deleted"]?.isTruthy ?? false)
                    let balance = pot[php: "balance"]?.phpInt ?? 0
                    let key = ObjectKey(userId: user, concept: "account", type: deleted ? "monzo_archived_pot" : "monzo_pot", title: name)
                    objects.append(SparkObject(
                        key: key, time: time, content: pot[php: "balance"]?.phpString ?? "0",
                        metadata: .object(JSONObject([
                            "name": .string(name), "provider": .string("Monzo"), "account_type": .string("savings_account"),
                            "pot_id": potId.json, "deleted": .bool(deleted), "currency": .string("GBP"),
                        ]))))
                    events.append(SparkEvent(
                        key: EventKey(integrationId: integration.id, sourceId: "monzo_pot_balance_\(potId.phpString)_\(today)"),
                        time: "\(today) 23:59:59", actor: key, target: day.key, service: input.serviceName, domain: "money",
                        action: "had_balance", value: Int64(balance.magnitude), valueMultiplier: 100, valueUnit: "GBP",
                        eventMetadata: .object(JSONObject([
                            "pot_id": potId.json, "pot_name": .string(name), "snapshot_date": .string(today),
                        ]))))
                }
                let ids = try await writer.upsertObjects(objects)
                let written = try await writer.upsertEvents(events, objects: ids)
                for key in written.skipped {
                    logger.warning("pot balance event skipped: a soft-deleted event holds its source_id", metadata: ["source_id": "\(key.sourceId)"])
                }
            }
        } catch let error as MonzoJobError {
            throw error.jobException
        }
    }
}
