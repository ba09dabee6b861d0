import Database
import Spark
import SparkTestSupport
import XCTest

/// The fixture inputs replayed in `expected-rows.json`'s order and clock write exactly its rows (uuids and
/// created_at/updated_at aside), on PostgreSQL and on SQLite.
final class MonzoGoldenRowsTests: XCTestCase {
    func testGoldenRowsOnPostgreSQL() async throws { try await goldenRows(.postgres) }
    func testGoldenRowsOnSQLite() async throws { try await goldenRows(.sqlite) }

    func testJSONColumnsAreWrittenAsPHPEncodesThemOnPostgreSQL() async throws { try await jsonText(.postgres) }
    func testJSONColumnsAreWrittenAsPHPEncodesThemOnSQLite() async throws { try await jsonText(.sqlite) }

    func goldenRows(_ backend: SparkTestDatabase.Backend) async throws {
        let db = try await SparkTestDatabase.make(backend)
        do {
            try await MonzoJobRunner.replayScenario(db)
            let actual = try await SparkRows.read(db)
            let expected = try SparkRows.expected()
            XCTAssertEqual(actual.events.count, expected.events.count)
            for (sourceId, event) in expected.events.sorted(by: { $0.key < $1.key }) {
                XCTAssertEqual(actual.events[sourceId], event, "event \(sourceId)")
            }
            XCTAssertEqual(Set(actual.objects.keys), Set(expected.objects.keys))
            for (name, object) in expected.objects.sorted(by: { $0.key < $1.key }) {
                XCTAssertEqual(actual.objects[name], object, "object \(name)")
            }
            XCTAssertEqual(actual.tagNames, expected.tagNames)
            // The master instance existed: no second one is created.
            let masters = try await db.count("integrations", "instance_type = 'accounts'")
            XCTAssertEqual(masters, 1)
        } catch {
            try? await db.close()
            throw error
        }
        try await db.close()
    }

    /// Byte checks of what `json_encode` writes (the value comparison above cannot see escapes).
    func jsonText(_ backend: SparkTestDatabase.Backend) async throws {
        let db = try await SparkTestDatabase.make(backend)
        do {
            try await MonzoJobRunner.replayScenario(db)
            let fx = try await db.rows("select \(db.json("metadata")) as m from blocks where title = 'FX'")
            XCTAssertEqual(fx.first?["m"]?.string, #"{"EUR":21,"GBP":18.33,"rate":0.872857}"#)
            let balance = try await db.rows(
                "select \(db.json("event_metadata")) as m from events where source_id = 'monzo_balance_acc_0000FAKE0000CURRENT0001_2025-09-02'")
            XCTAssertEqual(balance.first?["m"]?.string, #"{"spend_today":-23.5}"#)
            let joint = try await db.rows("select \(db.json("metadata")) as m from objects where title = 'Joint Account'")
            let text = try XCTUnwrap(joint.first?["m"]?.string)
            XCTAssertTrue(text.contains(#""description":"user_0000FAKE0000USER00001 & user_0000FAKE0000USER00002""#), text)
            let spend = try await db.rows("select \(db.json("metadata")) as m from blocks where title = 'Spend Today'")
            XCTAssertEqual(spend.first?["m"]?.string, "[]")
            // Tag names keep Unicode raw (spatie's translatable JSON), slugs are Str::slug's.
            let croissant = try await db.rows("select name, slug from tags where order_column = 9")
            XCTAssertEqual(croissant.first?["name"]?.string, "{\"en\":\"\u{1F950}\"}")
            let eating = try await db.rows("select slug from tags where order_column = 1")
            XCTAssertEqual(eating.first?["slug"]?.string, #"{"en":"eating-out"}"#)
            // A Monzo time loses its milliseconds; an object's metadata escapes nothing PHP would not.
            let region = try await db.rows("select \(db.json("metadata")) as m from objects where title = 'Current Account'")
            XCTAssertEqual(region.first?["m"]?.string,
                           #"{"name":"Current Account","provider":"Monzo","account_type":"current_account","account_id":"acc_0000FAKE0000CURRENT0001","currency":"GBP","raw":{"id":"acc_0000FAKE0000CURRENT0001","type":"uk_retail","currency":"GBP"}}"#)
        } catch {
            try? await db.close()
            throw error
        }
        try await db.close()
    }
}
