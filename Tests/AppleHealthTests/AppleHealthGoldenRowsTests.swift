import Database
import Spark
import SparkTestSupport
import XCTest

/// The fixture uploads replayed in `expected-rows.json`'s order write exactly its rows (uuids and
/// created_at/updated_at aside), on PostgreSQL and on SQLite.
final class AppleHealthGoldenRowsTests: XCTestCase {
    func testGoldenRowsOnPostgreSQL() async throws { try await goldenRows(.postgres) }
    func testGoldenRowsOnSQLite() async throws { try await goldenRows(.sqlite) }

    static func assertGolden(_ db: SparkTestDatabase, file: StaticString = #filePath, line: UInt = #line) async throws {
        let actual = try await SparkRows.read(db)
        let expected = try SparkRows.expected(fixture: "apple-health/expected-rows.json", instances: AppleHealthJobRunner.instances)
        XCTAssertEqual(actual.events.count, expected.events.count, file: file, line: line)
        for (sourceId, event) in expected.events.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(actual.events[sourceId], event, "event \(sourceId)", file: file, line: line)
        }
        XCTAssertEqual(Set(actual.objects.keys), Set(expected.objects.keys), file: file, line: line)
        for (name, object) in expected.objects.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(actual.objects[name], object, "object \(name)", file: file, line: line)
        }
        let blocks = try await db.count("blocks")
        XCTAssertEqual(blocks, expected.events.values.reduce(0) { $0 + $1.blocks.count }, file: file, line: line)
    }

    func goldenRows(_ backend: SparkTestDatabase.Backend) async throws {
        try await withDatabase(backend, seed: AppleHealthJobRunner.seed) { db in
            try await AppleHealthJobRunner.replayScenario(db)
            try await Self.assertGolden(db)
        }
    }
}
