import LaravelQueue
import Spark

/// `App\Jobs\Data\Monzo\MonzoAccountData` (spec §7.4): the account object from the real account, and
/// today's day object. No events.
public struct MonzoAccountData: JobHandler {
    public static let phpClass = "App\\Jobs\\Data\\Monzo\\MonzoAccountData"

    let store: SparkStore

    public init(store: SparkStore) {
        self.store = store
    }

    public func handle(_ context: JobContext) async throws {
        let input = try MonzoJobInput(context, className: Self.phpClass, needsAccountId: false)
        let clock = store.clock
        try await store.write { writer in
            let integration = try await writer.integration(input.integration)
            try await writer.upsertObjects([
                MonzoObjects.account(input.rawData, userId: integration.userId, now: clock.nowText),
                MonzoObjects.day(userId: integration.userId, today: clock.today),
            ])
        }
    }
}
