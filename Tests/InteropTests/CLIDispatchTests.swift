import Foundation
import TestSupport
import XCTest

/// `shuttle dispatch` and `shuttle status` as processes, with Laravel 8's real `queue:work` on the other side.
final class CLIDispatchTests: InteropTestCase {
    private func shuttle(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run([try Self.shuttleBinary().path] + arguments, environment: environment,
                              currentDirectory: directory, check: false)
    }

    /// `--probe` jobs with payload options: PHP's worker runs them, retrying by the payload's tries and backoff.
    func testDispatchedProbesAreRunByPHPWithTheirPayloadOptions() throws {
        let record = "rec"
        let out = try shuttle(["dispatch", "--probe", "--count", "2", "--record", "rec", "--fail-attempts", "1",
                               "--tries", "2", "--backoff", "0"])
        XCTAssertEqual(out.status, 0, out.stderrText)
        let uuids = out.stdoutText.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        XCTAssertEqual(uuids.count, 2)
        XCTAssertEqual(try queueSizes().ready, 2)

        let status = try shuttle(["status"])
        XCTAssertEqual(status.status, 0, status.stderrText)
        let row = try XCTUnwrap(status.stdoutText.split(separator: "\n").first { $0.hasPrefix("default ") })
        XCTAssertEqual(row.split(separator: " ").prefix(4).map(String.init), ["default", "2", "0", "0"], status.stdoutText)
        XCTAssertTrue(status.stdoutText.contains("failed jobs: 0"), status.stdoutText)

        let worker = try startPHPWorker("p1", ["--stop-when-empty", "--sleep=0.2", "--tries=1"])
        XCTAssertEqual(try waitForExit(worker, timeout: 30), .exited(0), worker.stderr)
        let ends = try records(record).filter(\.isEnd)
        for uuid in uuids {
            XCTAssertEqual(ends.filter { $0.uuid == uuid }.map(\.outcome), ["exception", "ok"],
                           "attempt 1 throws, attempt 2 (payload maxTries 2 beats --tries=1) succeeds")
        }
        try assertQueueEmpty()
        XCTAssertTrue(try failedJobs().isEmpty)
    }

    /// A job class PHP knows, with its properties as JSON and a delay: PHP runs it once it is due.
    func testDispatchedClassWithPropertiesAndDelayIsRunByPHP() throws {
        let out = try shuttle(["dispatch", "Shuttle\\Jobs\\Probe", "--properties", #"{"record":"rec2","sleep":0}"#, "--delay", "1"])
        XCTAssertEqual(out.status, 0, out.stderrText)
        XCTAssertEqual(try queueSizes().delayed, 1)
        let worker = try startPHPWorker("p2", ["--sleep=0.2", "--max-time=10"])
        try waitForRecord("rec2", "the delayed job to run") { $0.isEnd }
        worker.kill()
        XCTAssertEqual(try records("rec2").filter(\.isEnd).map(\.outcome), ["ok"])
    }

    func testBadArgumentsGiveOneLineErrors() throws {
        for arguments in [["dispatch"], ["dispatch", "--probe", "--backoff", "x"], ["dispatch", "A", "--properties", "{"]] {
            let out = try shuttle(arguments)
            XCTAssertEqual(out.status, 1, arguments.joined(separator: " "))
            XCTAssertEqual(out.stderrText.split(separator: "\n").count, 1, out.stderrText)
        }
        XCTAssertEqual(try queueSizes().ready, 0, "nothing was pushed")
    }
}
