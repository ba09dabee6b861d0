import Foundation
import XCTest

/// Release with backoff and failure after the last try, with the attempts alternating between runtimes
/// (§6.3, §10 #8, #10): each side honours the payload's backoff list and the attempts the other side left.
final class InteropBackoffTests: InteropTestCase {
    func testBackoffListAndTriesHoldWhileAttemptsAlternateBetweenRuntimes() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","failAttempts":9,"tries":3,"backoff":[1,2]}"#).first)

        try runOnce(shuttle: "s1")
        var delayed = try delayedJob()
        XCTAssertEqual(delayed.attempts, 1)
        try assertDelay(of: delayed, is: 1)

        try waitUntilDue(delayed)
        try runOnce(php: "p1")
        delayed = try delayedJob()
        XCTAssertEqual(delayed.attempts, 2)
        try assertDelay(of: delayed, is: 2)
        XCTAssertEqual(try failedJobs().count, 0)

        try waitUntilDue(delayed)
        try runOnce(shuttle: "s2")
        XCTAssertEqual(try records("rec").filter(\.isEnd).map(\.description),
                       ["exception#1@shuttle:s1", "exception#2@php:p1", "exception#3@shuttle:s2"])
        let row = try XCTUnwrap(try failedJobs().first)
        XCTAssertEqual(row["uuid"] as? String, job.uuid)
        // The row holds the bytes Shuttle popped: PHP's released (reserved, cjson-encoded) copy, attempts 2.
        let stored = try XCTUnwrap(row["payload"] as? String)
        XCTAssertEqual(stored, delayed.member)
        XCTAssertEqual(try json(stored)["attempts"] as? Int, 2)
        XCTAssertTrue((row["exception"] as? String ?? "").hasPrefix("RuntimeException: Probe failed on attempt 3 in "))
        try assertQueueEmpty()
    }

    /// §10 #12: payload `maxTries` 0 means unlimited on both sides, whatever the workers' `--tries` (1 here).
    func testMaxTriesZeroNeverFailsAJobForItsAttempts() throws {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","failAttempts":3,"tries":0}"#).first)
        try runOnce(shuttle: "s1")
        try runOnce(php: "p1")
        try runOnce(shuttle: "s2")
        try runOnce(php: "p2")
        XCTAssertEqual(try records("rec").filter(\.isEnd).map(\.description),
                       ["exception#1@shuttle:s1", "exception#2@php:p1", "exception#3@shuttle:s2", "ok#4@php:p2"])
        XCTAssertTrue(try records("rec").allSatisfy { $0.uuid == job.uuid })
        XCTAssertEqual(try failedJobs().count, 0)
        try assertQueueEmpty()
    }

    // MARK: Helpers

    private struct Delayed {
        var member: String
        var score: Double
        var attempts: Int?
    }

    /// The one member of `:delayed`.
    private func delayedJob() throws -> Delayed {
        let members = try redis("zrange", prefix + "queues:default:delayed", "0", "-1", "withscores").split(separator: "\n").map(String.init)
        XCTAssertEqual(members.count, 2, "one delayed job: \(members)")
        let member = members.first ?? ""
        return Delayed(member: member, score: Double(members.last ?? "") ?? 0,
                       attempts: (try? json(member))?["attempts"] as? Int)
    }

    /// Released at `availableAt(delay)` = the releasing worker's integer `time()` + delay, right after the run ended.
    private func assertDelay(of delayed: Delayed, is delay: Double, file: StaticString = #filePath, line: UInt = #line) throws {
        let ended = try XCTUnwrap(try records("rec").last(where: \.isEnd)?.ended, file: file, line: line)
        let releasedAt = delayed.score - delay
        XCTAssertTrue(releasedAt == releasedAt.rounded() && releasedAt >= ended.rounded(.down) && releasedAt <= ended.rounded(.down) + 1,
                      "score \(delayed.score) is not time() + \(delay) at release (run ended \(ended))", file: file, line: line)
    }

    private func waitUntilDue(_ delayed: Delayed) throws {
        try waitUntil("the released job to be due") { Date().timeIntervalSince1970 >= delayed.score }
    }
}
