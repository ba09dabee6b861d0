import Foundation
import XCTest

/// `maxExceptions` (§6.4, §10 #14): the `job-exceptions:<uuid>` counter in the app's default cache is shared, so
/// a job whose attempts alternate between PHP and Shuttle fails on the Nth exception overall, whoever throws it.
///
/// The harness's Probe class has no `maxExceptions` property, and adding one would change its serialized form,
/// which other tests build byte for byte; workers read the payload's `maxExceptions`, so the test sets it there.
final class InteropMaxExceptionsTests: InteropTestCase {
    func testShuttleFailsTheJobOnTheThirdExceptionCountingPHPs() throws {
        environment["CACHE_DRIVER"] = "redis"
        let uuid = try dispatchFailingProbe(maxExceptions: 3)
        let counter = prefix + "laravel_cache:job-exceptions:\(uuid)"

        try runOnce(shuttle: "s1")
        XCTAssertEqual(try redis("-n", "1", "get", counter), "1")
        try runOnce(php: "p1")
        XCTAssertEqual(try redis("-n", "1", "get", counter), "2")
        XCTAssertEqual(try failedJobs().count, 0)
        try runOnce(shuttle: "s2")

        XCTAssertEqual(try records("rec").filter(\.isEnd).map(\.description),
                       ["exception#1@shuttle:s1", "exception#2@php:p1", "exception#3@shuttle:s2"])
        let failed = try failedJobs()
        XCTAssertEqual(failed.map { $0["uuid"] as? String }, [uuid])
        let exception = try XCTUnwrap(failed.first?["exception"] as? String)
        XCTAssertTrue(exception.hasPrefix("RuntimeException: Probe failed on attempt 3 in "), exception)
        XCTAssertEqual(try redis("-n", "1", "exists", counter), "0", "the counter is forgotten when the job fails")
        try assertQueueEmpty()
    }

    func testPHPFailsTheJobOnTheSecondExceptionCountingShuttlesThroughTheDatabaseCache() throws {
        environment["CACHE_DRIVER"] = "database"
        let uuid = try dispatchFailingProbe(maxExceptions: 2)

        try runOnce(shuttle: "s1")
        XCTAssertEqual(try failedJobs().count, 0)
        XCTAssertEqual(try queueSizes().delayed, 1, "released after the first exception")
        try runOnce(php: "p1")

        XCTAssertEqual(try records("rec").filter(\.isEnd).map(\.description), ["exception#1@shuttle:s1", "exception#2@php:p1"])
        let failed = try failedJobs()
        XCTAssertEqual(failed.map { $0["uuid"] as? String }, [uuid])
        let exception = try XCTUnwrap(failed.first?["exception"] as? String)
        XCTAssertTrue(exception.hasPrefix("RuntimeException: Probe failed on attempt 2 in "), exception)
        try assertQueueEmpty()
    }

    // MARK: Helpers

    /// A probe failing every attempt, `tries` 10 (so only maxExceptions can fail it early), with payload
    /// `maxExceptions` set by rewriting the queued bytes (`"maxExceptions":null` → N).
    private func dispatchFailingProbe(maxExceptions: Int) throws -> String {
        let job = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec","failAttempts":10,"tries":10}"#).first)
        let original = String(decoding: try XCTUnwrap(try lrange("queues:default").first), as: UTF8.self)
        XCTAssertTrue(original.contains(#""maxExceptions":null,"#), original)
        let edited = original.replacingOccurrences(of: #""maxExceptions":null,"#, with: #""maxExceptions":\#(maxExceptions),"#)
        XCTAssertEqual(try redis("lset", prefix + "queues:default", "0", edited), "OK")
        return job.uuid
    }
}
