import LaravelQueue
import Logging
import PHPFormats
import PHPSerialization
import Spark

/// `App\Jobs\Data\Monzo\MonzoTransactionData` (spec §7.5): one event per transaction from the account
/// object to its counterparty (or pot), with tags and detail blocks, all in one transaction.
///
/// As in PHP, a transaction that cannot be read (not an object, an unreadable time) is skipped with a
/// logged reason and the others are written. Intended behaviour, not 373618f's (⚠): blocks are one per
/// (event, title, type), updated in place instead of copied again by every overlapping fetch.
public struct MonzoTransactionData: JobHandler {
    public static let phpClass = "App\\Jobs\\Data\\Monzo\\MonzoTransactionData"

    let store: SparkStore
    let settings: MonzoSettings

    public init(store: SparkStore, settings: MonzoSettings) {
        self.store = store
        self.settings = settings
    }

    public func handle(_ context: JobContext) async throws {
        let input = try MonzoJobInput(context, className: Self.phpClass, needsAccountId: true)
        let clock = store.clock, settings = self.settings
        let logger = context.logger
        let roundTrips = RoundTripCounter()
        try await store.write(roundTrips: roundTrips) { writer in
            let integration = try await writer.integration(input.integration)
            let user = integration.userId
            let transactions = input.rawData.arrayValue?.values ?? []
            // The actor of every transaction: the account object built from a stub `uk_retail` account (as-is,
            // spec §7.5.1), whatever account the transactions belong to.
            let stub = PHPValue.array(PHPArray(entries: [
                .init(key: .string("id"), value: .string(input.accountId ?? "")),
                .init(key: .string("type"), value: .string("uk_retail")),
                .init(key: .string("currency"), value: .string("GBP")),
            ]))
            let actor = MonzoObjects.account(stub, userId: user, now: clock.nowText)
            guard !transactions.isEmpty else {
                try await writer.upsertObjects([actor])
                return
            }
            do {
                try await MonzoObjects.ensureMaster(integration, writer: writer)
            } catch let error as MonzoJobError {
                // PHP fails each transaction on its own (after writing the actor), then succeeds.
                logger.error("transactions skipped: \(error)", metadata: ["integration": "\(integration.id)"])
                try await writer.upsertObjects([actor])
                return
            }
            let pots = try await writer.objects(userId: user, concept: "account", type: "monzo_pot")

            var objects = [actor]
            var events: [SparkEvent] = []
            var blocks: [SparkBlock] = []
            var tags: [(event: EventKey, tags: [String])] = []
            // Pots found as targets are not written by this job; their ids come from the lookup.
            var potIds: [ObjectKey: String] = [:]
            for (index, tx) in transactions.enumerated() {
                guard case .array = tx else {
                    logger.warning("transaction skipped: not an object", metadata: ["index": "\(index)", "integration": "\(integration.id)"])
                    continue
                }
                let reader = MonzoTransaction(tx, integration: integration, settings: settings, clock: clock)
                guard let time = reader.time else {
                    logger.warning("transaction skipped: unreadable created time", metadata: ["transaction": "\(reader.sourceId)"])
                    continue
                }
                let target = reader.target(pots: pots, userId: user)
                if let counterparty = target.counterparty { objects.append(counterparty) }
                if let potId = target.potId { potIds[target.key] = potId }
                let event = reader.event(time: time, actor: actor.key, target: target.key, service: input.serviceName)
                events.append(event)
                blocks += reader.blocks(event: event.key, potName: target.potName)
                tags.append((event.key, reader.tags))
            }
            let ids = try await writer.upsertObjects(objects).merging(potIds) { written, _ in written }
            let written = try await writer.upsertEvents(events, objects: ids)
            for key in written.skipped {
                logger.warning("transaction skipped: a soft-deleted event holds its source_id", metadata: ["transaction": "\(key.sourceId)"])
            }
            try await writer.upsertBlocks(blocks, events: written)
            try await writer.attachTags(tags, events: written)
        }
        logger.debug("Monzo transactions written", metadata: [
            "transactions": "\(input.rawData.arrayValue?.count ?? 0)", "round_trips": "\(roundTrips.value)",
        ])
    }
}
