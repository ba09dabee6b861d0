import HTTP
import LaravelQueue
import PHPFormats
import Spark

/// `App\Jobs\Initialization\Monzo\MonzoHistoricalData` (base `BaseInitializationJob`: tries 1, timeout 600):
/// a newly connected account's history. Per account: transactions over the window (integration
/// `configuration.history_days`, default the PHP job's 30), paged as the pulls page, then the balance and
/// the pots.
///
/// It runs once (tries 1, as PHP's), so a 429 or a 5xx is ridden out in place (`MonzoPatience.backfill`: wait for
/// Retry-After, retry a failed call) rather than by the queue, whose release would end it for good.
///
/// Unlike the pulls it dispatches as it goes, one processing job per `chunkSize` transactions (integration
/// `configuration.chunk_size`, else `SHUTTLE_MONZO_CHUNK`, default 100), so at most a page and a chunk are
/// held whatever the history's length, and a failing chunk retries alone. A retry of this job after a
/// partial run re-dispatches chunks already pushed; the processing jobs skip events already written.
public struct MonzoHistoricalData: JobHandler {
    public static let phpClass = "App\\Jobs\\Initialization\\Monzo\\MonzoHistoricalData"
    public static let tries = 1, timeout = 600
    public static let defaultDays = 30

    let services: MonzoFetchContext.Services

    public init(store: SparkStore, http: any HTTPTransport, settings: MonzoAPISettings, connection: String,
                dispatcher: Dispatcher = Dispatcher()) {
        services = MonzoFetchContext.Services(store: store, http: http, settings: settings, connection: connection, dispatcher: dispatcher)
    }

    public func handle(_ context: JobContext) async throws {
        context.logger.info("Starting historical initialization", metadata: ["job": "\(context.job.name)"])
        try await MonzoFetchContext.run(context, type: "historical") {
            let fetch = try await MonzoFetchContext.open(context, className: Self.phpClass, services: services)
            let configuration = fetch.integration.configuration
            let days = configuration?["history_days"]?.numberValue?.integerValue.flatMap { $0 >= 1 ? $0 : nil } ?? Self.defaultDays
            let chunk = configuration?["chunk_size"]?.numberValue?.integerValue.flatMap { $0 >= 1 ? $0 : nil } ?? services.settings.chunkSize
            let since = MonzoPull.iso8601(unix: services.store.clock.now - Int64(days) * 86_400)
            let client = fetch.client, patience = MonzoPatience.backfill, logger = context.logger
            var transactions = 0, jobs = 0
            for account in try await patience.run(logger, { try await client.accounts() }) {
                guard let id = account["id"]?.stringValue, !id.isEmpty else {
                    throw MonzoAPIError.unexpectedBody(endpoint: "/accounts", status: 200, reason: "an account without an id")
                }
                var pending: [JSONValue] = []
                pending.reserveCapacity(chunk)
                try await client.eachTransactionPage(account: id, since: since, patience: patience) { page in
                    for item in page {
                        pending.append(item)
                        if pending.count == chunk {
                            try await fetch.dispatch.transactions(pending, account: id)
                            transactions += pending.count
                            jobs += 1
                            pending.removeAll(keepingCapacity: true)
                        }
                    }
                }
                if !pending.isEmpty {
                    try await fetch.dispatch.transactions(pending, account: id)
                    transactions += pending.count
                    jobs += 1
                }
                let balance = try await patience.run(logger) { try await client.balance(account: id) }
                try await fetch.dispatch.balance(balance, account: account, accountId: id)
                let pots = try await patience.run(logger) { try await client.pots(account: id) }
                if !pots.isEmpty { try await fetch.dispatch.pots(pots, account: id) }
                jobs += pots.isEmpty ? 1 : 2
            }
            context.logger.info("Completed historical initialization", metadata: [
                "integration": "\(fetch.integration.id)", "days": "\(days)", "transactions": "\(transactions)", "jobs_dispatched": "\(jobs)",
            ])
        }
    }

    public func failed(_ context: JobContext, error: any Error) async {
        await MonzoFetchContext.markFailed(context, store: services.store)
    }
}
