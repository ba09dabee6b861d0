import Foundation
import XCTest

/// PHP's worker signals sent to Shuttle (§6.10, §10 #35): SIGTERM, SIGINT and SIGQUIT let the running job finish
/// and then exit 0 without taking another; SIGUSR2 pauses, SIGCONT resumes.
final class SignalTests: InteropTestCase {
    func testSIGTERMFinishesTheRunningJobThenExitsZero() throws { try assertGracefulStop(on: SIGTERM) }
    func testSIGINTFinishesTheRunningJobThenExitsZero() throws { try assertGracefulStop(on: SIGINT) }
    func testSIGQUITFinishesTheRunningJobThenExitsZero() throws { try assertGracefulStop(on: SIGQUIT) }

    private func assertGracefulStop(on signal: Int32, file: StaticString = #filePath, line: UInt = #line) throws {
        let jobs = try dispatch("probe", "--count", "2", "--json", #"{"record":"rec","sleep":1.5}"#)
        let shuttle = try startShuttle("s1", ["--sleep", "0.2"])
        try waitForRecord("rec", "the first job to start") { $0.outcome == "started" }
        shuttle.send(signal)
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr, file: file, line: line)

        XCTAssertEqual(try records("rec").map(\.description), ["started#1@shuttle:s1", "ok#1@shuttle:s1"], file: file, line: line)
        XCTAssertEqual(try records("rec").first?.uuid, jobs.first?.uuid, file: file, line: line)
        let sizes = try queueSizes()
        XCTAssertEqual(sizes.ready, 1, "the second job is left for the next worker", file: file, line: line)
        XCTAssertEqual(sizes.reserved, 0, file: file, line: line)
        XCTAssertEqual(try failedJobs().count, 0, file: file, line: line)
    }

    func testSIGUSR2PausesAndSIGCONTResumes() throws {
        let shuttle = try startShuttle("s1", ["--sleep", "0.2"])
        let first = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec"}"#).first)
        try waitForRecord("rec", "the worker to run a first job") { $0.uuid == first.uuid && $0.outcome == "ok" }

        shuttle.send(SIGUSR2)
        usleep(500_000)  // signal delivery is asynchronous
        let second = try XCTUnwrap(try dispatch("probe", "--json", #"{"record":"rec"}"#).first)
        // Ten polling intervals of an unpaused worker (--sleep 0.2): the job must stay untouched.
        for _ in 0..<10 {
            usleep(200_000)
            XCTAssertFalse(try records("rec").contains { $0.uuid == second.uuid }, "a paused worker started a job")
            XCTAssertEqual(try queueSizes().ready, 1)
        }
        XCTAssertTrue(shuttle.isRunning, "SIGUSR2 must pause, not stop: \(shuttle.stderr)")

        shuttle.send(SIGCONT)
        try waitForRecord("rec", "the resumed worker to run the job", timeout: 5) { $0.uuid == second.uuid && $0.outcome == "ok" }
        shuttle.send(SIGTERM)
        XCTAssertEqual(try waitForExit(shuttle), .exited(0), shuttle.stderr)
        XCTAssertEqual(try records("rec").map(\.description),
                       ["started#1@shuttle:s1", "ok#1@shuttle:s1", "started#1@shuttle:s1", "ok#1@shuttle:s1"])
        try assertQueueEmpty()
    }
}
