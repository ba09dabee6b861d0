import Foundation
import XCTest

/// `Bus::chain` across runtimes (§7.4, §10 #28): Shuttle completes a chain's first Probe and dispatches
/// `chained[0]` (with the rest of the chain), which PHP's queue:work then runs.
final class InteropChainTests: InteropTestCase {
    func testShuttleDispatchesTheNextJobOfAChainAndPHPRunsIt() throws {
        let pushed = try dispatch("chain", "--size", "3", "--json", #"{"record":"rec"}"#)
        XCTAssertEqual(pushed.count, 1, "a chain is one push")

        let shuttle = try startShuttle("s1", ["--once", "--sleep", "0.2"])
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)
        XCTAssertEqual(try records("rec").map(\.description), ["started#1@shuttle:s1", "ok#1@shuttle:s1"])
        XCTAssertEqual(try queueSizes().ready, 1, "the chain's next job is queued")

        let php = try startPHPWorker("p1", ["--stop-when-empty", "--sleep=0.2"])
        XCTAssertEqual(try waitForExit(php), .exited(0), php.stderr)
        let entries = try records("rec")
        XCTAssertEqual(entries.map(\.description),
                       ["started#1@shuttle:s1", "ok#1@shuttle:s1", "started#1@php:p1", "ok#1@php:p1", "started#1@php:p1", "ok#1@php:p1"])
        XCTAssertEqual(Set(entries.map(\.uuid)).count, 3, "three jobs, each run once")
        XCTAssertEqual(entries.first?.uuid, pushed.first?.uuid)
        try assertQueueEmpty()
        XCTAssertEqual(try failedJobs().count, 0)
    }
}
