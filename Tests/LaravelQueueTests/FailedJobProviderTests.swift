import Database
import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import TestSupport
import XCTest

final class FailedJobProviderTests: XCTestCase {
    /// A clock tests can move: `failed_at` and `flush(hours:)` depend on it.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var date: Date
        init(_ date: Date) { self.date = date }
        var now: Date { lock.withLock { date } }
        func advance(hours: Double) { lock.withLock { date.addTimeInterval(hours * 3600) } }
    }

    static func payload(uuid: String, job: String = "App\\Jobs\\Thing") -> [UInt8] {
        Array(
            #"{"uuid":"\#(uuid)","displayName":"\#(job.replacingOccurrences(of: "\\", with: "\\\\"))","job":"Illuminate\\Queue\\CallQueuedHandler@call","maxTries":null,"data":{"commandName":"x","command":"O:1:\"X\":0:{}"},"attempts":0,"note":"caf\u00e9 é \/"}"#
                .utf8)
    }

    func testLogsListsFindsCountsForgetsAndFlushes() async throws {
        try await QueueTestDatabases.forEach { db in
            // 2024-03-31 00:30 UTC is 01:30 CET, the night Berlin switches to summer time at 02:00.
            let clock = Clock(Date(timeIntervalSince1970: 1_711_845_000))
            let berlin = try XCTUnwrap(ZoneInfo(identifier: "Europe/Berlin"))
            let provider = DatabaseUuidFailedJobProvider(connection: db.connection, timeZone: berlin) { clock.now }
            try await provider.createTableIfMissing()
            try await provider.createTableIfMissing()  // idempotent

            let uuids = (0..<3).map { _ in UUID().uuidString.lowercased() }
            let first = try await provider.log(connection: "redis", queue: "default", payload: Self.payload(uuid: uuids[0]), exception: "E1")
            XCTAssertEqual(first, uuids[0])
            clock.advance(hours: 1)
            try await provider.log(connection: "redis", queue: "emails", payload: Self.payload(uuid: uuids[1]), exception: "E2\nStack trace:\n#0 {main}")
            clock.advance(hours: 1)
            try await provider.log(connection: "other", queue: "emails", payload: Self.payload(uuid: uuids[2]), exception: "")

            let all = try await provider.all()
            XCTAssertEqual(all.map(\.uuid), uuids.reversed(), "newest first, \(db.label)")
            XCTAssertEqual(all.map(\.failedAt), ["2024-03-31 04:30:00", "2024-03-31 03:30:00", "2024-03-31 01:30:00"])
            XCTAssertEqual(all.last?.payload, Self.payload(uuid: uuids[0]))
            XCTAssertEqual(all.map(\.exception), ["", "E2\nStack trace:\n#0 {main}", "E1"])
            XCTAssertEqual(Set(all.map(\.id)).count, 3)

            let found = try await provider.find(uuids[1])
            XCTAssertEqual(found?.queue, "emails")
            XCTAssertEqual(found?.connection, "redis")
            let missing = try await provider.find("nope")
            XCTAssertNil(missing)

            let emailIds = try await provider.ids(queue: "emails")
            XCTAssertEqual(emailIds, [uuids[2], uuids[1]])
            let allIds = try await provider.ids()
            XCTAssertEqual(allIds, uuids.reversed())
            let counts = [
                try await provider.count(), try await provider.count(connection: "redis", queue: nil),
                try await provider.count(connection: "redis", queue: "emails"), try await provider.count(connection: nil, queue: "emails"),
            ]
            XCTAssertEqual(counts, [3, 2, 1, 2])

            let forgotten = try await provider.forget(uuids[1])
            let forgottenAgain = try await provider.forget(uuids[1])
            XCTAssertEqual([forgotten, forgottenAgain], [true, false])

            // At 05:30 local, flush(hours: 3) removes what failed at or before 02:30: the first job only.
            clock.advance(hours: 1)
            try await provider.flush(hours: 3)
            let left = try await provider.ids()
            XCTAssertEqual(left, [uuids[2]])
            try await provider.flush()
            let none = try await provider.count()
            XCTAssertEqual(none, 0)
        }
    }

    func testUuidIsUnique() async throws {
        try await QueueTestDatabases.forEach { db in
            let provider = DatabaseUuidFailedJobProvider(connection: db.connection)
            try await provider.createTableIfMissing()
            let payload = Self.payload(uuid: UUID().uuidString.lowercased())
            try await provider.log(connection: "redis", queue: "default", payload: payload, exception: "first")
            do {
                try await provider.log(connection: "redis", queue: "default", payload: payload, exception: "second")
                XCTFail("same uuid recorded twice in \(db.label)")
            } catch let error as DatabaseError {
                XCTAssertTrue(error.isUniqueViolation, "\(error)")
            }
            let count = try await provider.count()
            XCTAssertEqual(count, 1)
        }
    }

    func testRefusesPayloadsWithoutUuid() async throws {
        try await QueueTestDatabases.forEach { db in
            let provider = DatabaseUuidFailedJobProvider(connection: db.connection)
            try await provider.createTableIfMissing()
            for payload in [Array(#"{"job":"x"}"#.utf8), Array("not json".utf8), [0xFF, 0x7B, 0x7D]] {
                do {
                    try await provider.log(connection: "redis", queue: "default", payload: payload, exception: "e")
                    XCTFail("accepted \(payload)")
                } catch is DatabaseUuidFailedJobProvider.InvalidPayload {}
            }
        }
    }

    /// Byte strings with every kind of ill-formed UTF-8 converted by us and by PHP's mb_convert_encoding.
    func testExceptionTextConversionMatchesPHP() async throws {
        var inputs: [[UInt8]] = [
            Array("plain ascii".utf8), Array("é ✓ 😀 \u{FFFD} nul\0byte".utf8), [0x61, 0xFF, 0x62], [0xC3], [0xE2, 0x82],
            [0xE2, 0x82, 0x78], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80],
            [0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xEF, 0xBF, 0xBE],
        ]
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x00, 0x7F, 0x80, 0xBF, 0xC2, 0xC3, 0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0]
        for _ in 0..<200 {
            inputs.append((0..<Int.random(in: 1...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        let db = try QueueTestDatabases.sqlite()
        defer { db.connection.close() }
        let php = try XCTUnwrap(
            LaravelDatabasePHP.run(db, "mb_convert_encoding", ["inputs": inputs.map { LaravelDatabasePHP.base64($0) }]) as? [String])
        XCTAssertEqual(php.count, inputs.count)
        for (input, expected) in zip(inputs, php) {
            XCTAssertEqual(Array(PHPUTF8.convert(input).utf8), LaravelDatabasePHP.bytes(expected), "input \(input)")
        }
    }

    func testStoresConvertedExceptionBytes() async throws {
        try await QueueTestDatabases.forEach { db in
            let provider = DatabaseUuidFailedJobProvider(connection: db.connection)
            try await provider.createTableIfMissing()
            let uuid = UUID().uuidString.lowercased()
            let raw: [UInt8] = Array("RuntimeException: bad \u{e9}".utf8) + [0xE9, 0x20, 0xC3, 0x28] + Array(" in /app/x.php:3".utf8)
            try await provider.log(connection: "redis", queue: "default", payload: Self.payload(uuid: uuid), exceptionBytes: raw)
            let stored = try await provider.find(uuid)?.exception
            XCTAssertEqual(stored, "RuntimeException: bad \u{e9}? ?( in /app/x.php:3")
        }
    }
}
