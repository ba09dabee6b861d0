import Foundation
import LaravelQueue
import LaravelQueueTesting
import XCTest

/// `InMemoryFailedJobProvider` keeps the `database-uuids` table's rules.
final class InMemoryFailedJobProviderTests: XCTestCase {
    private func body(_ uuid: String) -> [UInt8] { Array(#"{"uuid":"\#(uuid)","attempts":1}"#.utf8) }

    func testRecordsNewestFirstWithTheTimestampInTheAppsZone() async throws {
        let failer = InMemoryFailedJobProvider(now: { Date(timeIntervalSince1970: 1_700_000_000) })
        try await failer.log(connection: "redis", queue: "default", payload: body("u1"), exception: "E1")
        try await failer.log(connection: "redis", queue: "mail", payload: body("u2"), exception: "E2")
        let all = try await failer.all()
        XCTAssertEqual(all.map(\.uuid), ["u2", "u1"])
        XCTAssertEqual(all.map(\.id), [2, 1])
        XCTAssertEqual(all.last?.payload, body("u1"), "the bytes as given")
        XCTAssertEqual(all.last?.failedAt, "2023-11-14 22:13:20")
        let mail = try await failer.ids(queue: "mail"), count = try await failer.count(connection: "", queue: "default")
        XCTAssertEqual(mail, ["u2"])
        XCTAssertEqual(count, 1)
        let found = try await failer.find("u1")
        XCTAssertEqual(found?.exception, "E1")
    }

    func testRefusesWhatTheTableRefuses() async throws {
        let failer = InMemoryFailedJobProvider()
        try await failer.log(connection: "redis", queue: "default", payload: body("u1"), exception: "E")
        for bad in [body("u1"), Array(#"{"attempts":1}"#.utf8), [0x7B, 0xFF, 0x7D]] {
            do {
                try await failer.log(connection: "redis", queue: "default", payload: bad, exception: "E")
                XCTFail("recorded \(bad)")
            } catch is InMemoryFailedJobProvider.Refused {}
        }
        let salvaged = try await failer.log(connection: "redis", queue: "default", payloadText: "garbage", exception: "E", uuid: "u9")
        XCTAssertEqual(salvaged, "u9")
        let count = try await failer.count()
        XCTAssertEqual(count, 2)
    }

    func testForgetAndFlushByAge() async throws {
        let clock = TestClock(1_700_000_000)
        let failer = InMemoryFailedJobProvider(now: { Date(timeIntervalSince1970: TimeInterval(clock.now)) })
        try await failer.log(connection: "redis", queue: "default", payload: body("old"), exception: "E")
        clock.advance(3 * 3600)
        try await failer.log(connection: "redis", queue: "default", payload: body("new"), exception: "E")
        try await failer.flush(hours: 2)
        let left = try await failer.ids()
        XCTAssertEqual(left, ["new"])
        let forgot = try await failer.forget("new"), again = try await failer.forget("new")
        XCTAssertTrue(forgot)
        XCTAssertFalse(again)
    }
}
