import Database
import PHPFormats
import PHPSerialization
import Spark
import SparkTestSupport
import XCTest

/// Spec §12, as intended: the same jobs run again, or a later fetch overlapping the last, write no
/// duplicate event, object, block or taggable; a re-categorised transaction updates its event and gains
/// the new tag.
final class MonzoIdempotencyTests: XCTestCase {
    func testReplayingTheScenarioTwiceStillWritesTheGoldenRowsOnPostgreSQL() async throws { try await replayTwice(.postgres) }
    func testReplayingTheScenarioTwiceStillWritesTheGoldenRowsOnSQLite() async throws { try await replayTwice(.sqlite) }
    func testOverlappingRefetchOnPostgreSQL() async throws { try await overlappingRefetch(.postgres) }
    func testOverlappingRefetchOnSQLite() async throws { try await overlappingRefetch(.sqlite) }

    func replayTwice(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            try await MonzoJobRunner.replayScenario(db)
            let counts = try await self.counts(db)
            try await MonzoJobRunner.replayScenario(db)
            let again = try await self.counts(db)
            XCTAssertEqual(again, counts)
            let actual = try await SparkRows.read(db)
            let expected = try SparkRows.expected()
            XCTAssertEqual(actual.events.count, expected.events.count)
            for (sourceId, event) in expected.events {
                XCTAssertEqual(actual.events[sourceId], event, "event \(sourceId)")
            }
            XCTAssertEqual(actual.tagNames, expected.tagNames)
        }
    }

    func overlappingRefetch(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend) { db in
            let all = try MonzoJobRunner.fixture("transactions.json").arrayValue!["transactions"]!.arrayValue!.values
            let first = MonzoJobRunner(db, at: "2025-09-02T21:30:00Z")
            try await first.transactions(.array(PHPArray(list: Array(all.prefix(8)))))
            let counts = try await self.counts(db)
            // The next fetch re-reads the window: the last five again (one of them re-categorised) and three new.
            var recategorised = all[5].arrayValue!
            recategorised["category"] = .string("groceries")
            let overlap = Array(all[3..<5]) + [.array(recategorised)] + Array(all[6...])
            try await MonzoJobRunner(db, at: "2025-09-02T22:00:00Z").transactions(.array(PHPArray(list: overlap)))
            let after = try await self.counts(db)
            XCTAssertEqual(after.events, counts.events + 3)
            let source = all[5].arrayValue!["id"]!.stringValue!
            let rows = try await SparkRows.read(db)
            let event = try XCTUnwrap(rows.events[source])
            XCTAssertEqual(event.eventMetadata["category"]?.stringValue, "groceries")
            XCTAssertTrue(event.tags.contains("groceries"), "\(event.tags)")
            XCTAssertTrue(event.tags.contains("general"), "the old tag stays, as spatie's attachTag never detaches")
            // No duplicates anywhere: one block per (event, title, type), one object per key.
            let duplicateBlocks = try await db.rows(
                "select event_id, title, block_type, count(*) as n from blocks group by event_id, title, block_type having count(*) > 1")
            XCTAssertEqual(duplicateBlocks.count, 0)
            let duplicateObjects = try await db.rows(
                "select concept, type, title, count(*) as n from objects group by user_id, concept, type, title having count(*) > 1")
            XCTAssertEqual(duplicateObjects.count, 0)
            // Running the very same job again changes nothing at all, updated_at included.
            let stamps = try await db.rows("select id, \(db.time("updated_at")) as u from events order by id")
            try await MonzoJobRunner(db, at: "2025-09-02T23:00:00Z").transactions(.array(PHPArray(list: overlap)))
            let restamped = try await db.rows("select id, \(db.time("updated_at")) as u from events order by id")
            XCTAssertEqual(stamps, restamped)
            let final = try await self.counts(db)
            XCTAssertEqual(final, after)
        }
    }

    struct Counts: Equatable {
        var events = 0, objects = 0, blocks = 0, taggables = 0, tags = 0, integrations = 0
    }

    func counts(_ db: SparkTestDatabase) async throws -> Counts {
        Counts(events: try await db.count("events"), objects: try await db.count("objects"), blocks: try await db.count("blocks"),
               taggables: try await db.count("taggables"), tags: try await db.count("tags"),
               integrations: try await db.count("integrations"))
    }
}
