@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import TestSupport
import XCTest

/// `failed_job_ids` is read with the project's JSONParser (not Foundation's JSONSerialization).
final class BatchFailedJobIdsTests: XCTestCase {
    func testReadsWhatPHPJsonEncodeWrites() throws {
        let ids = ["9b1d2c3e-0000-4000-8000-000000000001", "a/b\\c\"d", "é ✓ 😀", "\u{1}\n\t", ""]
        let php = try ProcessRunner.run(
            ["php", "-r", "echo json_encode(explode(\"\\x1e\", stream_get_contents(STDIN)));"],
            stdin: Array(ids.joined(separator: "\u{1E}").utf8))
        XCTAssertEqual(BatchFailedJobIds.decodeStrings(php.stdout), ids)
        XCTAssertEqual(BatchFailedJobIds.encode(ids), php.stdoutText)
    }

    func testAnythingButAListIsEmpty() {
        for json in ["{}", "{\"a\":\"b\"}", "\"x\"", "null", "", "[", "[\"a\",]"] {
            XCTAssertEqual(BatchFailedJobIds.decodeStrings(Array(json.utf8)), [], json)
        }
    }

    func testScalarsBecomeTheirText() {
        XCTAssertEqual(BatchFailedJobIds.decodeStrings(Array("[\"a\",7,1.5,true,false,null,[\"x\"],{}]".utf8)),
                       ["a", "7", "1.5", "1", "0"])
    }
}
