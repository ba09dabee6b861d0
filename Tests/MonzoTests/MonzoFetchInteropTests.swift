import Foundation
import LaravelQueue
import Monzo
import PHPFormats
import Spark
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
