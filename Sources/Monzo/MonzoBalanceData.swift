import LaravelQueue
import PHPFormats
import PHPSerialization
import Spark

/// `App\Jobs\Data\Monzo\MonzoBalanceData` (spec §7.7): today's `had_balance` event of the account, a
/// "Spend Today" block, and a "Balance Change" block against the last snapshot before today.
///
/// Intended behaviour, not 373618f's (⚠): the blocks are one per (event, title, type), updated in place,
/// where PHP added another copy on every run (~48 a day at a 30-minute frequency).
public struct MonzoBalanceData: JobHandler {
    public static let phpClass = "App\\Jobs\\Data\\Monzo\\MonzoBalanceData"

    let store: SparkStore

    public init(store: SparkStore) {
        self.store = store
    }

    public func handle(_ context: JobContext) async throws {
        let input = try MonzoJobInput(context, className: Self.phpClass, needsAccountId: true)
        // `_account` is required (spec §7.7): PHP fails the job without it, and so does Shuttle.
        guard let account = input.rawData[php: "_account"] else { throw MonzoJobError.undefinedKey("_account").jobException }
        let clock = store.clock
        let logger = context.logger
        try await store.write { writer in
            let integration = try await writer.integration(input.integration)
            let user = integration.userId, today = clock.today
            let balance = input.rawData[php: "balance"]?.phpInt ?? 0
            let spend = input.rawData[php: "spend_today"]?.phpInt ?? 0
            let day = MonzoObjects.day(userId: user, today: today)
            let accountObject = MonzoObjects.account(account, userId: user, now: clock.nowText)
            let ids = try await writer.upsertObjects([day, accountObject])

            let key = EventKey(integrationId: integration.id, sourceId: "monzo_balance_\(account[php: "id"]?.phpString ?? "")_\(today)")
            let time = "\(today) 23:59:59"
            // ⚠ as-is: the sign of the balance is lost (overdrawn and flex balances), as in the app.
            let event = SparkEvent(
                key: key, time: time, actor: accountObject.key, target: day.key, service: input.serviceName, domain: "money",
                action: "had_balance", value: Int64(balance.magnitude), valueMultiplier: 100, valueUnit: "GBP",
                eventMetadata: .object(JSONObject(["spend_today": MonzoObjects.divide(spend, 100)])))
            let written = try await writer.upsertEvents([event], objects: ids)
            guard written.ids[key] != nil, let actorId = ids[accountObject.key] else {
                logger.warning("balance event skipped: a soft-deleted event holds its source_id", metadata: ["source_id": "\(key.sourceId)"])
                return
            }
            var blocks = [SparkBlock(event: key, blockType: "spend_today", title: "Spend Today", time: time, metadata: .array([]),
                                     value: Int64(spend.magnitude), valueMultiplier: 100, valueUnit: "GBP")]
            if case .some(let previous) = try await writer.latestEventValue(
                integrationId: integration.id, service: "monzo", action: "had_balance", actorId: actorId, before: "\(today) 00:00:00") {
                let delta = Int64(balance.magnitude) - Int64(previous?.magnitude ?? 0)
                if delta != 0 {
                    blocks.append(SparkBlock(event: key, blockType: "balance_change", title: "Balance Change", time: time,
                                             metadata: .object(JSONObject(["text": .string(delta > 0 ? "Up" : "Down")])),
                                             value: Int64(delta.magnitude), valueMultiplier: 100, valueUnit: "GBP"))
                }
            }
            try await writer.upsertBlocks(blocks, events: written)
        }
    }
}
