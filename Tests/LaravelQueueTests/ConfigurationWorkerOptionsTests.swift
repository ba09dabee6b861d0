@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import XCTest

final class ConfigurationWorkerOptionsTests: XCTestCase {
    func testQueueWorkDefaults() throws {
        let options = WorkerOptions()
        XCTAssertEqual(options.name, "default")
        XCTAssertEqual(options.queues, [])
        XCTAssertEqual(options.sleep, 3)
        XCTAssertEqual(options.tries, 1)
        XCTAssertEqual(options.timeout, 60)
        XCTAssertEqual(options.memory, 128)
        XCTAssertEqual(options.maxJobs, 0)
        XCTAssertEqual(options.maxTime, 0)
        XCTAssertEqual(options.rest, 0)
        XCTAssertEqual(options.backoff, "0")
        XCTAssertFalse(options.stopWhenEmpty)
        XCTAssertFalse(options.force)
        XCTAssertEqual(options.concurrency, 1)
        XCTAssertNil(options.handBackTo)
        XCTAssertNoThrow(try options.validate())
        XCTAssertEqual(options.effectiveQueues(default: "jobs"), ["jobs"])
    }

    func testQueueList() throws {
        XCTAssertEqual(try WorkerOptions.parseQueues("high,default,{low}"), ["high", "default", "{low}"])
        XCTAssertThrowsError(try WorkerOptions.parseQueues("high, default")) { error in
            XCTAssertEqual("\(error)", "--queue=\"high, default\" has an empty or space-padded queue name")
        }
        XCTAssertThrowsError(try WorkerOptions.parseQueues("high,,low"))
        XCTAssertThrowsError(try WorkerOptions.parseQueues(""))
        var options = WorkerOptions()
        options.queues = ["a", "b"]
        XCTAssertEqual(options.effectiveQueues(default: "default"), ["a", "b"])
    }

    func testBackoff() throws {
        var options = WorkerOptions()
        options.backoff = "1,5,10"
        XCTAssertEqual(try options.backoffSeconds, [1, 5, 10])
        options.backoff = "5,x"
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertEqual("\(error)", "--backoff=\"5,x\" is not a comma-separated list of seconds (0 or more)")
        }
    }

    func testValidationNamesTheOption() {
        let cases: [(WritableKeyPath<WorkerOptions, Int>, Int, String)] = [
            (\.memory, 0, "--memory=\"0\" must be at least 1 (megabytes)"),
            (\.timeout, -1, "--timeout=\"-1\" must be 0 or more"),
            (\.tries, -2, "--tries=\"-2\" must be 0 (unlimited) or more"),
            (\.maxJobs, -1, "--max-jobs=\"-1\" must be 0 or more"),
            (\.maxTime, -5, "--max-time=\"-5\" must be 0 or more"),
            (\.concurrency, 0, "--concurrency=\"0\" must be at least 1"),
        ]
        for (path, value, message) in cases {
            var options = WorkerOptions()
            options[keyPath: path] = value
            XCTAssertThrowsError(try options.validate()) { error in XCTAssertEqual("\(error)", message) }
        }
        var options = WorkerOptions()
        options.sleep = -0.5
        XCTAssertThrowsError(try options.validate()) { error in XCTAssertEqual("\(error)", "--sleep=\"-0.5\" must be 0 or more") }
        options = WorkerOptions()
        options.rest = -1
        XCTAssertThrowsError(try options.validate()) { error in XCTAssertEqual("\(error)", "--rest=\"-1\" must be 0 or more") }
        options = WorkerOptions()
        options.queues = ["ok", ""]
        XCTAssertThrowsError(try options.validate()) { error in
            XCTAssertEqual("\(error)", "queue name \"\" is empty or has leading/trailing whitespace")
        }
        options = WorkerOptions()
        options.handBackTo = ""
        XCTAssertThrowsError(try options.validate())
        options = WorkerOptions()
        options.sleep = 0.25
        options.tries = 0
        XCTAssertNoThrow(try options.validate())
    }
}
