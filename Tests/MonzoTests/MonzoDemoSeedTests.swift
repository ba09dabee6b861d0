import Database
import Foundation
import LaravelQueue
import Monzo
import Spark
import SparkSchedule
import SparkTestSupport
import TestSupport
import XCTest

/// The `make run` demo's seed: what it writes, that seeding again changes only the group's tokens, and that
/// CheckIntegrationUpdates then pushes the four Monzo fetch jobs for it.
final class MonzoDemoSeedTests: XCTestCase {
    func testSeededDemoIsPickedUpByCheckIntegrationUpdatesOnSQLite() async throws { try await seeded(.sqlite) }
    func testSeededDemoIsPickedUpByCheckIntegrationUpdatesOnPostgreSQL() async throws { try await seeded(.postgres) }

    private func seeded(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let now = try XCTUnwrap(SparkTime.parse(CheckIntegrationUpdatesTests.start)).unix
            let store = db.store(at: SparkClock(fixed: now))
            try await MonzoDemo.seed(store, accessToken: "demo-access", refreshToken: "demo-refresh", expiresIn: 3600)
            // The first run's fetch marked the instance updated and the fake's tokens were refreshed; a new run seeds again.
            try await db.connection.execute("update integrations set last_successful_update_at = ? where id = ?",
                                            [.text("2025-09-02 21:00:00"), .text(MonzoDemo.integrations[0].id)])
            try await MonzoDemo.seed(store, accessToken: "fresh-access", refreshToken: "fresh-refresh", expiresIn: 7200)

            let groups = try await db.rows("select access_token, refresh_token, \(db.time("expiry")) as expiry from integration_groups where id = ?",
                                           [.text(MonzoDemo.groupId)])
            XCTAssertEqual(groups.count, 1)
            XCTAssertEqual(groups.first?["access_token"]?.string, "fresh-access")
            XCTAssertEqual(groups.first?["refresh_token"]?.string, "fresh-refresh")
            XCTAssertEqual(groups.first?["expiry"]?.string, "2025-09-02 23:30:00")
            let seeded = try await db.count("integrations", "user_id = '\(MonzoDemo.userId)'")
            XCTAssertEqual(seeded, 4)
            let kept = try await db.rows("select \(db.time("last_successful_update_at")) as t from integrations where id = ?",
                                         [.text(MonzoDemo.integrations[0].id)])
            XCTAssertEqual(kept.first?["t"]?.string, "2025-09-02 21:00:00", "seeding again keeps an instance's runs")

            let bed = try await QueueBed.make()
            defer { bed.close() }
            // 21:30: accounts was updated 30 min ago (every 5 min → due again), the other three never.
            let summary = try await CheckIntegrationUpdatesTests.handler(db, at: now).run(on: bed.queue)
            XCTAssertEqual(summary.scheduled.map(\.integrationId).sorted(), MonzoDemo.integrations.map(\.id).sorted())
            XCTAssertEqual(Set(summary.scheduled.map(\.jobClass)), Set(MonzoFetchJobs.routes.jobs.values))
            let pushed = try await bed.pushed()
            XCTAssertEqual(pushed.count, 4)
        }
    }
}
