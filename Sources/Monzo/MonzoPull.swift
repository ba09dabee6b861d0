import HTTP
import LaravelQueue
import PHPFormats
import Spark

/// The app's four Monzo fetch jobs (`App\Jobs\OAuth\Monzo\Monzo{Account,Transaction,Pot,Balance}Pull`, spec
/// §4.4, §7.2 as intended): list the accounts, call Monzo per account, and only once every call succeeded
/// dispatch the processing jobs (PHP dispatches nothing when one account fails) and mark the integration
/// successfully updated. Transactions come from the last 7 days, paged past 100, in jobs of at most
/// `chunkSize`.
public struct MonzoPull: JobHandler {
    public enum Kind: String, Sendable, CaseIterable {
        case accounts, transactions, pots, balances

        public var phpClass: String {
            switch self {
            case .accounts: return MonzoFetchJobs.accountPull
            case .transactions: return MonzoFetchJobs.transactionPull
            case .pots: return MonzoFetchJobs.potPull
            case .balances: return MonzoFetchJobs.balancePull
            }
        }
    }

    /// Payload numbers of the PHP classes (BaseFetchJob): what a Swift dispatcher writes for them.
    public static let tries = 3, timeout = 120, backoff = [60, 300, 600]
    /// The transaction window: `now()->subDays(7)`.
    static let transactionWindowDays: Int64 = 7

    public let kind: Kind
    let services: MonzoFetchContext.Services

    /// - Parameters:
    ///   - connection: the app's database connection name, written into the processing jobs' ModelIdentifiers.
    ///   - dispatcher: how the app pushes jobs (`resources.dispatcher`: encrypter, Horizon).
    public init(_ kind: Kind, store: SparkStore, http: any HTTPTransport, settings: MonzoAPISettings, connection: String,
                dispatcher: Dispatcher = Dispatcher()) {
        self.kind = kind
        services = MonzoFetchContext.Services(store: store, http: http, settings: settings, connection: connection, dispatcher: dispatcher)
    }

    public var phpClass: String { kind.phpClass }

    public func handle(_ context: JobContext) async throws {
        context.logger.info("Starting \(kind.rawValue) fetch", metadata: ["job": "\(context.job.name)"])
        try await MonzoFetchContext.run(context, type: kind.rawValue) {
            let fetch = try await MonzoFetchContext.open(context, className: phpClass, services: services)
            let dispatched = try await fetchAndDispatch(fetch)
            try await services.store.write { try await $0.markIntegrationSuccessfullyUpdated(fetch.integration.id) }
            context.logger.info("Completed \(kind.rawValue) fetch", metadata: [
                "integration": "\(fetch.integration.id)", "jobs_dispatched": "\(dispatched)",
            ])
        }
    }

    public func failed(_ context: JobContext, error: any Error) async {
        await MonzoFetchContext.markFailed(context, store: services.store)
    }

    /// Every call first, then every dispatch; the number of processing jobs pushed.
    private func fetchAndDispatch(_ fetch: MonzoFetchContext) async throws -> Int {
        let client = fetch.client
        let accounts = try await client.accounts()
        let ids = try accounts.map { account -> String in
            guard let id = account["id"]?.stringValue, !id.isEmpty else {
                throw MonzoAPIError.unexpectedBody(endpoint: "/accounts", status: 200, reason: "an account without an id")
            }
            return id
        }
        var pushed = 0
        switch kind {
        case .accounts:
            for account in accounts { try await fetch.dispatch.account(account) }
            pushed = accounts.count
        case .transactions:
            let since = Self.iso8601(unix: services.store.clock.now - Self.transactionWindowDays * 86_400)
            var perAccount: [(String, [JSONValue])] = []
            for id in ids {
                var all: [JSONValue] = []
                try await client.eachTransactionPage(account: id, since: since) { all += $0 }
                perAccount.append((id, all))
            }
            for (id, all) in perAccount where !all.isEmpty {
                for start in stride(from: 0, to: all.count, by: services.settings.chunkSize) {
                    try await fetch.dispatch.transactions(Array(all[start..<min(all.count, start + services.settings.chunkSize)]), account: id)
                    pushed += 1
                }
            }
        case .pots:
            var perAccount: [(String, [JSONValue])] = []
            for id in ids { perAccount.append((id, try await client.pots(account: id))) }
            for (id, pots) in perAccount where !pots.isEmpty {
                try await fetch.dispatch.pots(pots, account: id)
                pushed += 1
            }
        case .balances:
            var balances: [JSONObject] = []
            for id in ids { balances.append(try await client.balance(account: id)) }
            for (index, balance) in balances.enumerated() {
                try await fetch.dispatch.balance(balance, account: accounts[index], accountId: ids[index])
                pushed += 1
            }
        }
        return pushed
    }

    /// Carbon's `toIso8601String()` in UTC: `2025-08-27T00:00:00+00:00`.
    static func iso8601(unix: Int64) -> String {
        let text = SparkTime.text(unix: unix)
        return String(text.prefix(10)) + "T" + String(text.suffix(8)) + "+00:00"
    }
}
