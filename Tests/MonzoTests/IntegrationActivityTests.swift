import Database
import Foundation
import Spark
import SparkTestSupport
import XCTest

/// What `shuttle status` shows per integration, after the golden scenario: each instance's rows, counted
/// independently here from the tables (objects through the events that name them as actor or target).
final class IntegrationActivityTests: XCTestCase {
    func testActivityCountsTheScenariosRowsOnPostgreSQL() async throws { try await activity(.postgres) }
    func testActivityCountsTheScenariosRowsOnSQLite() async throws { try await activity(.sqlite) }

    private func activity(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            try await MonzoJobRunner.replayScenario(db)
            try await db.connection.execute("update integrations set last_triggered_at = ?, last_successful_update_at = ? where id = ?",
                                            [.text("2025-09-02 21:30:00"), .text("2025-09-02 21:30:05"), .text(db.integrations["transactions"]!)])
            let rows = try await db.store(at: .system).write { try await $0.integrationActivity() }
            XCTAssertEqual(Set(rows.map(\.id)), Set(db.integrations.values))
            for row in rows {
                let id = row.id
                let events = try await db.count("events", "integration_id = '\(id)'")
                let blocks = try await db.count("blocks", "event_id in (select id from events where integration_id = '\(id)')")
                let objects = try await db.count("objects", """
                    id in (select actor_id from events where integration_id = '\(id)') or id in (select target_id from events where integration_id = '\(id)')
                    """)
                XCTAssertEqual([row.events, row.objects, row.blocks], [events, objects, blocks], row.instanceType ?? "")
            }
            let transactions = try XCTUnwrap(rows.first { $0.id == db.integrations["transactions"] })
            XCTAssertGreaterThan(transactions.events, 0)
            XCTAssertGreaterThan(transactions.blocks, 0)
            XCTAssertEqual(transactions.lastTriggeredAt, "2025-09-02 21:30:00")
            XCTAssertEqual(transactions.lastSuccessfulUpdateAt, "2025-09-02 21:30:05")
            XCTAssertEqual(transactions.service, "monzo")
        }
    }
}
