import Foundation
import LaravelQueue
import Monzo
import PHPFormats
import Spark
import SparkTestSupport
import TestSupport
import XCTest

/// PHP and Shuttle on one queue: Laravel 8.83 (the harness) dispatches `MonzoTransactionPull` with the
/// Integration read from PostgreSQL; Shuttle runs it against the fake Monzo; the processing jobs Shuttle
/// dispatches are run by PHP's own `queue:work`, which restores them into the app's class shape.
final class MonzoFetchInteropTests: XCTestCase {
    func testPHPDispatchesTheTransactionPullShuttleFetchesAndPHPRunsItsProcessingJobs() async throws {
        try await MonzoFetchBed.with(.postgres, fake: ["--history", "150", "--history-days", "6"]) { bed in
            let scripts = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/laravel")
            let dispatched = try ProcessRunner.php(scripts.appendingPathComponent("dispatch-monzo.php").path,
                                                   ["MonzoTransactionPull", bed.db.integrations["transactions"]!],
                                                   environment: bed.phpEnvironment, check: false)
            XCTAssertEqual(dispatched.status, 0, dispatched.stderrText)
            let pushed = try await bed.queued()
            XCTAssertEqual(pushed.map(\.displayName), [MonzoFetchJobs.transactionPull])

            // Shuttle takes the one fetch job; its processing jobs are Laravel 8.83 payloads.
            try await bed.work([], once: true, version: .v8)
            let failed = try await bed.failedJobs()
            XCTAssertEqual(failed.count, 0, failed.map { $0["exception"]?.string ?? "" }.joined())
            let processing = try await bed.queued()
            // 11 fixture transactions + 150 generated in the 7-day window: chunks of 100 and 61.
            XCTAssertEqual(processing.map(\.displayName), [MonzoTransactionData.phpClass, MonzoTransactionData.phpClass])

            let record = "rec:monzo:\(UUID().uuidString.prefix(8))"
            var environment = bed.phpEnvironment
            environment["SHUTTLE_HARNESS_PROCESSING_RECORD"] = record
            let worked = try ProcessRunner.php(scripts.appendingPathComponent("work.php").path,
                                               ["--queue=pull", "--stop-when-empty", "--name=processing"],
                                               environment: environment, check: false)
            XCTAssertEqual(worked.status, 0, worked.stderrText)
            let events = worked.stderrText.split(separator: "\n").filter { $0.hasPrefix("{") }
            XCTAssertEqual(events.filter { $0.contains(#""event":"processed""#) }.count, 2, worked.stderrText)
            XCTAssertFalse(events.contains { $0.contains(#""event":"failed""#) || $0.contains(#""event":"exception-occurred""#) },
                           worked.stderrText)

            let entries = try await bed.redis.send(.lrange(record, 0, -1)).array!.map { try JSONParser.parse($0.bytes!) }
            XCTAssertEqual(entries.count, 2)
            var ids: [String] = []
            for entry in entries {
                XCTAssertEqual(entry["class"]?.stringValue, MonzoTransactionData.phpClass)
                XCTAssertEqual(entry["integration"]?.stringValue, bed.db.integrations["transactions"])
                XCTAssertEqual(entry["exists"]?.boolValue, true)
                XCTAssertEqual(entry["relations"]?.arrayValue?.compactMap(\.stringValue), ["user", "group"])
                XCTAssertEqual(entry["group"]?.stringValue, bed.db.groupId)
                XCTAssertEqual(entry["accountId"]?.stringValue, MonzoFetchBed.current)
                XCTAssertEqual(entry["serviceName"]?.stringValue, "monzo")
                XCTAssertEqual(entry["merchantExpanded"]?.boolValue, true)
                ids += entry["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
            XCTAssertEqual(ids.count, 161)
            XCTAssertEqual(Set(ids).count, 161)
            let times = try await bed.integrationTimes("transactions")
            XCTAssertEqual(times.updated, "2025-09-03 00:00:00")
        }
    }
}

/// The built `shuttle` binary end to end, at debug log level: `shuttle dispatch` pushes the four pulls,
/// `shuttle work` refreshes the expired token, fetches, dispatches and writes the rows; one pull then meets a
/// Monzo that refuses every token. Neither its output nor `failed_jobs` holds a token, the client secret or
/// an Authorization header.
final class MonzoFetchCLITests: XCTestCase {
    func testShuttleWorkFetchesWithARefreshedTokenAndPrintsNoSecret() async throws {
        try await MonzoFetchBed.with(.postgres, expiry: -60) { bed in
            let directory = try TestEnvironment.temporaryDirectory("monzo-fetch-cli")
            var environment = bed.phpEnvironment
            environment.merge(["DB_SSLMODE": "disable", "SHUTTLE_LARAVEL_VERSION": "12", "SHUTTLE_NOW": MonzoFetchBed.now,
                               "LOG_LEVEL": "debug", "MONZO_API_BASE": bed.fake.base, "SHUTTLE_HTTP_CA_FILE": bed.fake.caFile,
                               "MONZO_CLIENT_ID": "fake-client-id", "MONZO_CLIENT_SECRET": MonzoFetchBed.clientSecret]) { $1 }
            let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle").path
            func shuttle(_ arguments: [String]) throws -> ProcessResult {
                try ProcessRunner.run([binary] + arguments, environment: environment, currentDirectory: directory, check: false)
            }
            var output = ""
            func dispatch(_ className: String, instance: String) throws {
                let properties = #"{"*integration":{"@model":"App\\Models\\Integration","id":"\#(bed.db.integrations[instance]!)","relations":["user","group"],"connection":"pgsql"},"*serviceName":"monzo"}"#
                let out = try shuttle(["dispatch", className, "--queue", "pull", "--tries", "1", "--timeout", "120", "--properties", properties])
                XCTAssertEqual(out.status, 0, out.stderrText)
                output += out.stdoutText + out.stderrText
            }
            for (kind, instance) in [(MonzoPull.Kind.accounts, "accounts"), (.transactions, "transactions"), (.pots, "pots"), (.balances, "balances")] {
                try dispatch(kind.phpClass, instance: instance)
            }
            let worked = try shuttle(["work", "--queue", "pull", "--stop-when-empty", "--sleep", "0.1"])
            XCTAssertEqual(worked.status, 0, worked.stderrText)
            output += worked.stdoutText + worked.stderrText
            XCTAssertTrue(worked.stderrText.contains("Monzo token refreshed"), worked.stderrText)
            let events = try await bed.db.count("events")
            XCTAssertGreaterThan(events, 10, "the processing jobs wrote the fetched data")

            try await bed.fake.failNext("401", times: 10, paths: ["/accounts"])
            try dispatch(MonzoPull.Kind.pots.phpClass, instance: "pots")
            let failing = try shuttle(["work", "--queue", "pull", "--stop-when-empty", "--sleep", "0.1"])
            output += failing.stdoutText + failing.stderrText
            let failed = try await bed.failedJobs()
            XCTAssertEqual(failed.count, 1)
            XCTAssertTrue((failed.first?["exception"]?.string ?? "").contains("Monzo API refused /accounts: HTTP 401"))
            output += failed.map { "\($0)" }.joined(separator: "\n")
            let tokens = try await bed.groupTokens()
            for secret in [MonzoFetchBed.accessToken, MonzoFetchBed.refreshToken, MonzoFetchBed.clientSecret, "Bearer",
                           tokens.access ?? "-", tokens.refresh ?? "-"] {
                XCTAssertFalse(output.contains(secret), "a secret leaked (\(secret.prefix(6))…)")
            }
        }
    }
}
