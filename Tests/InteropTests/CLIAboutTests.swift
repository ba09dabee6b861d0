import Foundation
import LaravelQueue
import PHPFormats
import TestSupport
import XCTest

/// `shuttle about` as a process: what configuration says even with Redis down, the job classes when it is
/// up, and the one warning line when the Laravel version had to be assumed.
final class CLIAboutTests: XCTestCase {
    private var cli: CLIHarness!

    override func setUpWithError() throws {
        cli = try CLIHarness(label: "cli-about")
    }

    override func tearDownWithError() throws {
        cli?.cleanup()
    }

    private func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    func testWorksWithRedisUnreachable() throws {
        let down = ["REDIS_PORT": "1"]
        let text = try cli.shuttle(["about"], environment: down)
        XCTAssertEqual(text.status, 0)
        XCTAssertEqual(text.stderrText, "")
        XCTAssertTrue(text.stdoutText.contains("unreachable: Redis connection refused"), text.stdoutText)
        XCTAssertTrue(text.stdoutText.contains(cli.prefix + "queues:default:notify"), text.stdoutText)

        let result = try cli.shuttle(["about", "--json", "--queue", "high"], environment: down)
        XCTAssertEqual(result.status, 0, result.stderrText)
        let about = try json(result.stdoutText)
        XCTAssertEqual(about["redis_queue"]?["status"]?.stringValue?.hasPrefix("unreachable: "), true, result.stdoutText)
        XCTAssertEqual(about["redis_queue"]?["port"], .int(1))
        XCTAssertEqual(about["redis_cache"]?["status"]?.stringValue?.hasPrefix("unreachable: "), true)
        XCTAssertEqual(about["shuttle"]?["laravel_version"], .string("8.83.26"))
        XCTAssertEqual(about["queue"]?["keys"]?["high"]?.arrayValue?.first, .string(cli.prefix + "queues:high"))
        XCTAssertEqual(about["cache"]?["restart_key"], .string(cli.prefix + "laravel_cache:illuminate:queue:restart"))
        XCTAssertEqual(about["jobs"]?["classes"], .null)
    }

    func testReachableRedisListsTheJobClassesAndKeepsSecrets() throws {
        let result = try cli.shuttle(["about", "--json"])
        XCTAssertEqual(result.status, 0, result.stderrText)
        let about = try json(result.stdoutText)
        XCTAssertEqual(about["redis_queue"]?["status"], .string("reachable"))
        XCTAssertEqual(about["jobs"]?["classes"], .array([.string("Shuttle\\Jobs\\Probe")]))
        XCTAssertEqual(about["shuttle"]?["encryption_key"], .string("set"))
        for output in [result.stdoutText, try cli.shuttle(["about"]).stdoutText] {
            XCTAssertFalse(output.contains(CLIHarness.appKey))
            XCTAssertFalse(output.contains("cGVlci1maXhlZC1hcHAta2V5"))
        }
    }

    /// No version anywhere: one warning line naming 12 and the variable, from about and from a command that connects.
    func testAnAssumedVersionIsOneWarningLine() throws {
        let unset = ["SHUTTLE_LARAVEL_VERSION": ""]
        try cli.php("migrate.php")  // status counts failed_jobs
        for arguments in [["about", "--json"], ["status"]] {
            let result = try cli.shuttle(arguments, environment: unset, check: false)
            XCTAssertEqual(result.status, 0, result.stderrText)
            let lines = result.stderrText.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderrText)
            XCTAssertTrue(lines.first?.contains("warning") == true, result.stderrText)
            XCTAssertTrue(lines.first?.contains("assuming Laravel 12; set SHUTTLE_LARAVEL_VERSION") == true, result.stderrText)
        }
        let about = try json(try cli.shuttle(["about", "--json"], environment: unset).stdoutText)
        XCTAssertEqual(about["shuttle"]?["laravel_version_source"], .object(JSONObject(["kind": .string("assumed")])))
        // --laravel overrides, and says so.
        let flagged = try json(try cli.shuttle(["about", "--json", "--laravel", "10"], environment: unset).stdoutText)
        XCTAssertEqual(flagged["shuttle"]?["laravel_version_source"]?["origin"], .string("from the command line"))
    }
}
