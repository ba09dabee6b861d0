import Database
import Foundation
import LaravelQueue
import Monzo
import PHPFormats
import PHPSerialization
import ShuttleMetrics
import ShuttleOperations
import Spark
import SparkTestSupport
import TestSupport
import XCTest

/// The four fetch jobs and the backfill against the fake Monzo over HTTPS, with real Redis and PostgreSQL
/// (SQLite where it costs little). Tokens are compared with `XCTAssertTrue(a == b)` so that a failure
/// never prints one.
final class MonzoFetchTests: XCTestCase {
    typealias Bed = MonzoFetchBed

    // MARK: Transactions: paging and query strings

    func testTransactionPullPagesPastAHundredWithPHPsQueryStrings() async throws {
        try await Bed.with(.postgres, fake: ["--history", "250", "--history-days", "6"]) { bed in
            let (_, error) = await bed.run(bed.pull(.transactions), bed.fetchJob(MonzoPull.Kind.transactions.phpClass, instance: "transactions"))
            XCTAssertNil(error)

            let requests = try await bed.fake.requests()
            let current = requests.filter { $0.path == "/transactions" && $0.query.contains(Bed.current) }
            // 11 fixture transactions + 250 generated in the window: pages of 100, 100, 61.
            XCTAssertEqual(current.count, 3)
            XCTAssertEqual(current.first?.query,
                           "account_id=acc_0000FAKE0000CURRENT0001&expand%5B%5D=merchant&since=2025-08-27T00%3A00%3A00%2B00%3A00&limit=100")
            XCTAssertEqual(current.dropFirst().first?.query.hasPrefix("account_id=acc_0000FAKE0000CURRENT0001&expand%5B%5D=merchant&since=tx_"), true)
            XCTAssertEqual(requests.first?.path, "/accounts")
            XCTAssertEqual(requests.filter { $0.path == "/transactions" }.count, 5, "one call each for the joint and flex accounts")
            XCTAssertTrue(requests.allSatisfy { $0.token == Bed.accessToken }, "every call carries the group's token")

            let queued = try await bed.queued()
            XCTAssertEqual(queued.map(\.displayName), Array(repeating: MonzoTransactionData.phpClass, count: 3))
            var ids: [String] = []
            for payload in queued {
                XCTAssertEqual(payload.maxTries, 2)
                XCTAssertEqual(payload.timeout, 300)
                XCTAssertEqual(payload.backoff, "120,300")
                let command = try bed.command(payload)
                XCTAssertEqual(command["accountId"]?.stringValue, Bed.current)
                XCTAssertEqual(command["serviceName"]?.stringValue, "monzo")
                let identifier = ModelIdentifier(command["integration"]!.objectValue!)!
                XCTAssertEqual(identifier.id.stringValue, bed.db.integrations["transactions"])
                XCTAssertEqual(identifier.relations, ["user", "group"])
                XCTAssertEqual(identifier.connection, "pgsql")
                let list = command["rawData"]!.arrayValue!.values
                XCTAssertLessThanOrEqual(list.count, 100)
                ids += list.map { $0.arrayValue!["id"]!.stringValue! }
                XCTAssertNotNil(list.first?.arrayValue?["merchant"]?.arrayValue, "merchant expanded")
            }
            XCTAssertEqual(ids.count, 261)
            XCTAssertEqual(Set(ids).count, 261, "no transaction fetched twice")
            XCTAssertTrue(payloadsProtectedProperties(queued[0]), "properties serialized as PHP's protected ones")

            let times = try await bed.integrationTimes("transactions")
            XCTAssertEqual(times.updated, "2025-09-03 00:00:00")
            XCTAssertEqual(times.triggered, "2025-09-03 00:00:00")
        }
    }

    private func payloadsProtectedProperties(_ payload: Payload) -> Bool {
        let command = payload.command ?? ""
        return command.contains("s:12:\"\0*\0accountId\"") && command.contains("s:14:\"\0*\0integration\"")
    }

    func testAccountPotAndBalancePullsDispatchPerAccountAndRowsLandInSQLite() async throws {
        try await Bed.with(.sqlite) { bed in
            try await bed.work([
                bed.fetchJob(MonzoPull.Kind.accounts.phpClass, instance: "accounts"),
                bed.fetchJob(MonzoPull.Kind.pots.phpClass, instance: "pots"),
                bed.fetchJob(MonzoPull.Kind.balances.phpClass, instance: "balances"),
                bed.fetchJob(MonzoPull.Kind.transactions.phpClass, instance: "transactions"),
            ])
            let failed = try await bed.failedJobs()
            XCTAssertEqual(failed.count, 0, failed.map { $0["exception"]?.string ?? "" }.joined(separator: "\n"))
            let requests = try await bed.fake.requests()
            XCTAssertEqual(requests.filter { $0.path == "/pots" }.map(\.query),
                           ["current_account_id=acc_0000FAKE0000CURRENT0001", "current_account_id=acc_0000FAKE0000JOINT00001",
                            "current_account_id=acc_0000FAKE0000FLEX000001"])
            XCTAssertEqual(requests.filter { $0.path == "/balance" }.count, 3)
            // The processing jobs the pulls dispatched ran too: balances and pots wrote their events.
            let balances = try await bed.db.count("events", "integration_id = '\(bed.db.integrations["balances"]!)'")
            XCTAssertEqual(balances, 3, "one balance event per account")
            let pots = try await bed.db.count("objects", "type = 'monzo_pot' or type = 'monzo_archived_pot'")
            XCTAssertGreaterThan(pots, 0)
            let transactions = try await bed.db.count("events", "integration_id = '\(bed.db.integrations["transactions"]!)'")
            XCTAssertGreaterThanOrEqual(transactions, 10)
            for instance in ["accounts", "pots", "balances", "transactions"] {
                let times = try await bed.integrationTimes(instance)
                XCTAssertEqual(times.updated, "2025-09-03 00:00:00", instance)
            }
        }
    }

    // MARK: Tokens

    func testRefreshesBeforeTheCallWhenExpiryHasPassed() async throws { try await refreshesBeforeExpiry(.postgres) }
    func testRefreshesBeforeTheCallWhenExpiryHasPassedOnSQLite() async throws { try await refreshesBeforeExpiry(.sqlite) }

    /// A counter's value on the process's Prometheus registry (0 when it has no sample yet).
    private func metric(_ series: String) -> Double {
        OperationsEndpoints.bootstrap()
        let text = OperationsEndpoints.registry.emitToString()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(series + " ") }) else { return 0 }
        return Double(line.split(separator: " ").last ?? "") ?? 0
    }

    private func refreshesBeforeExpiry(_ backend: SparkTestDatabase.Backend) async throws {
        try await Bed.with(backend, expiry: -60) { bed in
            let calls = #"shuttle_integration_api_calls_total{integration="Monzo",status="200"}"#
            let refreshes = #"shuttle_integration_token_refreshes_total{integration="Monzo",outcome="succeeded"}"#
            let (callsBefore, refreshesBefore) = (metric(calls), metric(refreshes))
            let (_, error) = await bed.run(bed.pull(.accounts), bed.fetchJob(MonzoPull.Kind.accounts.phpClass, instance: "accounts"))
            XCTAssertNil(error)
            XCTAssertEqual(metric(calls) - callsBefore, 2, "the refresh grant and /accounts, counted for /metrics")
            XCTAssertEqual(metric(refreshes) - refreshesBefore, 1)
            let requests = try await bed.fake.requests()
            XCTAssertEqual(requests.map(\.path), ["/oauth2/token", "/accounts"])
            XCTAssertEqual(requests.first?.method, "POST")
            let tokens = try await bed.groupTokens()
            XCTAssertTrue(tokens.access == "fake-access-1-1", "the group holds the issued access token")
            XCTAssertTrue(tokens.refresh == "fake-refresh-1-1", "and the issued refresh token")
            XCTAssertEqual(tokens.expiry, "2025-09-03 06:00:00", "expiry = now + expires_in (21600 s)")
            XCTAssertTrue(requests[1].token == "fake-access-1-1", "the call used the new token")
            let form = try await bed.fake.admin(.get, "requests")["requests"]!.arrayValue![0]["body"]!.stringValue!
            XCTAssertTrue(form.hasPrefix("grant_type=refresh_token&client_id=fake-client-id&client_secret="), "form as PHP's asForm sends it")
            let queuedCount = try await bed.queued().count
            XCTAssertEqual(queuedCount, 3, "one MonzoAccountData per account")
        }
    }

    func testA401RefreshesOnceAndRetries() async throws {
        try await Bed.with(.postgres) { bed in
            try await bed.fake.expireAccessTokens()
            let (_, error) = await bed.run(bed.pull(.accounts), bed.fetchJob(MonzoPull.Kind.accounts.phpClass, instance: "accounts"))
            XCTAssertNil(error)
            let requests = try await bed.fake.requests()
            XCTAssertEqual(requests.map(\.path), ["/accounts", "/oauth2/token", "/accounts"])
            XCTAssertTrue(requests[0].token == Bed.accessToken && requests[2].token == "fake-access-1-1")
            let tokens = try await bed.groupTokens()
            XCTAssertTrue(tokens.access == "fake-access-1-1")
        }
    }

    func testA401AfterTheRefreshFailsTheAttemptWithoutASecondRefresh() async throws {
        try await Bed.with(.postgres) { bed in
            try await bed.fake.failNext("401", times: 2, paths: ["/accounts"])
            let (_, error) = await bed.run(bed.pull(.accounts), bed.fetchJob(MonzoPull.Kind.accounts.phpClass, instance: "accounts"))
            let text = "\(error.map { "\($0)" } ?? "")"
            XCTAssertTrue(text.contains("/accounts") && text.contains("401"), text)
            let requests = try await bed.fake.requests()
            XCTAssertEqual(requests.map(\.path), ["/accounts", "/oauth2/token", "/accounts"])
            let queuedCount = try await bed.queued().count
            XCTAssertEqual(queuedCount, 0)
        }
    }

    func testTwoJobsOfOneGroupSpendTheRefreshTokenOnce() async throws {
        try await Bed.with(.postgres, expiry: -60) { bed in
            async let a = bed.run(bed.pull(.accounts), bed.fetchJob(MonzoPull.Kind.accounts.phpClass, instance: "accounts"))
            async let b = bed.run(bed.pull(.balances), bed.fetchJob(MonzoPull.Kind.balances.phpClass, instance: "balances"))
            let (ra, rb) = await (a, b)
            XCTAssertNil(ra.error)
            XCTAssertNil(rb.error)
            let state = try await bed.fake.state()
            XCTAssertEqual(state["refreshes"]?.numberValue?.integerValue, 1)
            XCTAssertEqual(state["refresh_rejections"]?.numberValue?.integerValue, 0)
            let requests = try await bed.fake.requests()
            XCTAssertEqual(requests.filter { $0.path == "/oauth2/token" }.count, 1)
            XCTAssertTrue(requests.filter { $0.path != "/oauth2/token" }.allSatisfy { $0.token == "fake-access-1-1" })
        }
    }

    // MARK: Monzo's failures

    func testA429ReleasesTheJobAfterRetryAfterWithoutUsingABackoffStep() async throws {
        try await Bed.with(.postgres) { bed in
            try await bed.fake.failNext("429", retryAfter: 7, paths: ["/transactions"])
            let (context, error) = await bed.run(bed.pull(.transactions), bed.fetchJob(MonzoPull.Kind.transactions.phpClass, instance: "transactions"))
            XCTAssertNil(error, "a 429 is not an exception: the backoff is not spent")
            XCTAssertEqual(context.releaseDelay, 7)
            let queuedCount = try await bed.queued().count
            XCTAssertEqual(queuedCount, 0, "nothing dispatched")
            let times = try await bed.integrationTimes("transactions")
            XCTAssertNil(times.updated)

            // Through the worker: the job waits in :delayed for Retry-After seconds.
            try await bed.fake.failNext("429", retryAfter: 42, paths: ["/accounts"])
            let before = Int(Date().timeIntervalSince1970)
            try await bed.work([bed.fetchJob(MonzoPull.Kind.transactions.phpClass, instance: "transactions")])
            let delayed = try await bed.delayed()
            XCTAssertEqual(delayed.count, 1)
            if let first = delayed.first {
                XCTAssertTrue((before + 42)...(before + 42 + 30) ~= first.availableAt, "available after Retry-After, not the 60 s backoff")
                XCTAssertEqual(first.payload.attempts, 1)
            }
            let failedCount = try await bed.failedJobs().count
            XCTAssertEqual(failedCount, 0)
        }
    }

    func testA500FailsTheAttemptSoTheJobsBackoffApplies() async throws {
        try await Bed.with(.postgres) { bed in
            try await bed.fake.failNext("500", paths: ["/balance"])
            let before = Int(Date().timeIntervalSince1970)
            try await bed.work([bed.fetchJob(MonzoPull.Kind.balances.phpClass, instance: "balances")])
            let delayed = try await bed.delayed()
            XCTAssertEqual(delayed.count, 1)
            if let first = delayed.first {
                XCTAssertTrue((before + 60)...(before + 60 + 30) ~= first.availableAt, "the first backoff step: 60 s")
                XCTAssertEqual(first.payload.displayName, MonzoPull.Kind.balances.phpClass)
            }
            let queuedCount = try await bed.queued().count
            XCTAssertEqual(queuedCount, 0, "no processing job for any account when one call failed")
            XCTAssertTrue(bed.logs.text.contains("Monzo API server error on /balance: HTTP 500"), bed.logs.text)
        }
    }

    func testAMalformedBodyFailsTheJobNamingEndpointAndStatusAndClearsLastTriggeredAt() async throws {
        try await Bed.with(.postgres) { bed in
            try await bed.db.connection.execute("update integrations set last_triggered_at = '2025-09-02 23:59:00' where id = ?",
                                                [.text(bed.db.integrations["transactions"]!)])
            try await bed.fake.failNext("malformed", paths: ["/transactions"])
            try await bed.work([bed.fetchJob(MonzoPull.Kind.transactions.phpClass, instance: "transactions", tries: 1)])
            let failed = try await bed.failedJobs()
            XCTAssertEqual(failed.count, 1)
            let exception = failed.first?["exception"]?.string ?? ""
            XCTAssertTrue(exception.hasPrefix(
                "Exception: Monzo API answered /transactions with HTTP 200 and a body that is not the expected JSON"), exception)
            let times = try await bed.integrationTimes("transactions")
            XCTAssertNil(times.triggered, "failed() clears last_triggered_at")
            XCTAssertNil(times.updated)
        }
    }

    /// Refreshes, then fails for good; neither log, error nor failed_jobs holds a token, the secret or the header.
    func testNoSecretReachesLogsErrorsOrFailedJobs() async throws {
        try await Bed.with(.postgres, expiry: -60) { bed in
            try await bed.fake.failNext("401", times: 5, paths: ["/accounts"])
            try await bed.work([bed.fetchJob(MonzoPull.Kind.accounts.phpClass, instance: "accounts", tries: 1),
                                bed.fetchJob(MonzoPull.Kind.pots.phpClass, instance: "pots", tries: 1)])
            let failed = try await bed.failedJobs()
            XCTAssertEqual(failed.count, 2)
            // Job 1: expired → refresh, 401 → refresh once more, 401 → fail. Job 2: 401 → one refresh, 401 → fail.
            let state = try await bed.fake.state()
            XCTAssertEqual(state["refreshes"]?.numberValue?.integerValue, 3)
            XCTAssertEqual(state["refresh_rejections"]?.numberValue?.integerValue, 0, "no refresh token spent twice")
            let everything = bed.logs.text + "\n" + failed.map { "\($0)" }.joined(separator: "\n")
            XCTAssertTrue(everything.contains("refresh"), "the logs do talk about the refresh")
            for secret in [Bed.accessToken, Bed.refreshToken, Bed.clientSecret, "fake-access-1-1", "fake-refresh-1-1",
                           "fake-access-1-3", "fake-refresh-1-3", "Bearer"] {
                XCTAssertFalse(everything.contains(secret), "a secret leaked (\(secret.prefix(6))…)")
            }
        }
    }

    // MARK: Backfill

    func testHistoricalBackfillDispatchesBoundedChunksThenBalancesAndPots() async throws {
        try await Bed.with(.postgres, fake: ["--history", "1000", "--history-days", "29"], chunkSize: 100) { bed in
            try await bed.db.connection.execute("update integrations set configuration = ? where id = ?",
                                                [.text("{\"chunk_size\": 250}"), .text(bed.db.integrations["transactions"]!)])
            let job = bed.fetchJob(MonzoHistoricalData.phpClass, instance: "transactions", tries: 1)
            let (_, error) = await bed.run(bed.historical, job)
            XCTAssertNil(error)
            let queued = try await bed.queued()
            let chunks = queued.filter { $0.displayName == MonzoTransactionData.phpClass }
            let sizes = try chunks.map { try bed.command($0)["rawData"]!.arrayValue!.count }
            // 1000 generated + the 3 fixture transactions after 2025-08-04 (all of them: 11).
            XCTAssertEqual(sizes, [250, 250, 250, 250, 11])
            XCTAssertEqual(queued.filter { $0.displayName == MonzoBalanceData.phpClass }.count, 3)
            XCTAssertEqual(queued.filter { $0.displayName == MonzoPotData.phpClass }.count, 1, "only the current account has pots")
            XCTAssertEqual(queued.map(\.displayName).firstIndex(of: MonzoBalanceData.phpClass), 5, "balance after the account's transactions")
            let first = try await bed.fake.requests().first { $0.path == "/transactions" }
            XCTAssertEqual(first?.query, "account_id=acc_0000FAKE0000CURRENT0001&expand%5B%5D=merchant&since=2025-08-04T00%3A00%3A00%2B00%3A00&limit=100")
        }
    }

    /// The backfill runs once (tries 1), so it waits out a 429 on the page it was on instead of being released.
    func testHistoricalBackfillWaitsOutA429OnThePageItWasOn() async throws {
        try await Bed.with(.postgres, fake: ["--history", "250", "--history-days", "29"]) { bed in
            try await bed.fake.failNext("429", times: 1, retryAfter: 1, paths: ["/transactions"])
            let job = bed.fetchJob(MonzoHistoricalData.phpClass, instance: "transactions", tries: 1)
            let (context, error) = await bed.run(bed.historical, job)
            XCTAssertNil(error)
            XCTAssertNil(context.releaseDelay, "not released: a release of a tries-1 job would fail it")
            let chunks = try await bed.queued().filter { $0.displayName == MonzoTransactionData.phpClass }
            let total = try chunks.map { try bed.command($0)["rawData"]!.arrayValue!.count }.reduce(0, +)
            XCTAssertEqual(total, 261)
            let requests = try await bed.fake.requests().filter { $0.path == "/transactions" && $0.query.contains(Bed.current) }
            XCTAssertEqual(requests.count, 4, "the first page twice, then the other two")
            XCTAssertEqual(requests[0].query, requests[1].query, "the same page again")
            XCTAssertTrue(bed.logs.text.contains("trying again"))
        }
    }

    func testHistoricalBackfillRetriesServerErrorsOnTheSamePage() async throws {
        try await Bed.with(.postgres, fake: ["--history", "150", "--history-days", "29"]) { bed in
            try await bed.fake.failNext("503", times: 2, paths: ["/transactions"])
            let (_, error) = await bed.run(bed.historical, bed.fetchJob(MonzoHistoricalData.phpClass, instance: "transactions", tries: 1))
            XCTAssertNil(error)
            let chunks = try await bed.queued().filter { $0.displayName == MonzoTransactionData.phpClass }
            let total = try chunks.map { try bed.command($0)["rawData"]!.arrayValue!.count }.reduce(0, +)
            XCTAssertEqual(total, 161)
            let pages = try await bed.fake.requests().filter { $0.path == "/transactions" && $0.query.contains(Bed.current) }
            XCTAssertEqual(pages.count, 4, "the first page three times, then the second")
        }
    }

    /// 50,000 transactions: 500 jobs of at most 100, none lost or repeated.
    func testHistoricalBackfillOfFiftyThousandTransactionsStaysInBoundedChunks() async throws {
        try await Bed.with(.postgres, fake: ["--history", "50000", "--history-days", "29", "--no-fixture-transactions"]) { bed in
            let (_, error) = await bed.run(bed.historical, bed.fetchJob(MonzoHistoricalData.phpClass, instance: "transactions", tries: 1))
            XCTAssertNil(error)
            let queued = try await bed.queued()
            let chunks = queued.filter { $0.displayName == MonzoTransactionData.phpClass }
            XCTAssertEqual(chunks.count, 500)
            var ids = Set<String>()
            for chunk in chunks {
                let list = try bed.command(chunk)["rawData"]!.arrayValue!.values
                XCTAssertLessThanOrEqual(list.count, 100)
                for item in list { ids.insert(item.arrayValue!["id"]!.stringValue!) }
            }
            XCTAssertEqual(ids.count, 50_000)
        }
    }
}
