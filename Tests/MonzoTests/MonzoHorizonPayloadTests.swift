import Database
import LaravelQueue
import Logging
import Monzo
import Spark
import SparkTestSupport
import TestSupport
import XCTest

/// The app's own bytes: the Horizon payload PHP pushed for a MonzoTransactionData (fixtures/queue), its
/// integration key swapped for the test database's (same length, so the serialized command stays valid),
/// runs as the worker would run it and writes the golden event.
final class MonzoHorizonPayloadTests: XCTestCase {
    func testTheAppsHorizonPayloadOnPostgreSQL() async throws { try await horizonPayload(.postgres) }
    func testTheAppsHorizonPayloadOnSQLite() async throws { try await horizonPayload(.sqlite) }

    func horizonPayload(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let fixture = String(decoding: try TestEnvironment.fixture("queue/monzo-transaction-data.payload.json"), as: UTF8.self)
            let placeholder = "1ee00000-0000-4000-8000-0000000000t1"
            XCTAssertTrue(fixture.contains(placeholder))
            let bytes = Array(fixture.replacingOccurrences(of: placeholder, with: db.integrations["transactions"]!).utf8)
            let payload = try Payload(bytes: bytes)
            let job = RedisJob(connectionName: "redis", queue: "pull", rawBody: bytes, reserved: bytes, payload: payload)
            let context = JobContext(job: job, command: try CommandDecoding.command(of: payload, encrypter: nil),
                                     logger: Logger(label: "test"))
            let runner = MonzoJobRunner(db, at: "2025-09-02T21:30:00Z")
            try await MonzoTransactionData(store: runner.store, settings: runner.settings).handle(context)

            let source = "tx_0000FAKEFX00000001"
            let actual = try await SparkRows.read(db)
            let expected = try SparkRows.expected()
            XCTAssertEqual(actual.events.count, 1)
            XCTAssertEqual(actual.events[source], expected.events[source])
        }
    }
}
