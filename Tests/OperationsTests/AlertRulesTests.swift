import Foundation
import TestSupport
import XCTest

/// docker/prometheus/alerts.yml loads in Prometheus' own checker and each rule fires (and stays quiet) on the
/// recorded series of alerts.test.yml, evaluated by `promtool test rules` (Debian's `prometheus` package).
final class AlertRulesTests: XCTestCase {
    struct Missing: Error, CustomStringConvertible {
        var description: String { "promtool is missing: scripts/install-deps.sh installs Debian's prometheus package" }
    }
    let directory = TestEnvironment.repositoryRoot.appendingPathComponent("docker/prometheus")

    func promtool(_ arguments: [String]) throws -> ProcessResult {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") else {
            // A failure, not a skip: CI installs it, and a skipped check would pass unnoticed.
            throw Missing()
        }
        return try ProcessRunner.run(["promtool"] + arguments, currentDirectory: directory, check: false)
    }

    func testRulesLoad() throws {
        let result = try promtool(["check", "rules", "alerts.yml"])
        XCTAssertEqual(result.status, 0, result.stdoutText + result.stderrText)
        XCTAssertTrue(result.stdoutText.contains("SUCCESS: 6 rules found"), result.stdoutText)
    }

    func testEachRuleFiresOnRecordedSeries() throws {
        let result = try promtool(["test", "rules", "alerts.test.yml"])
        XCTAssertEqual(result.status, 0, result.stdoutText + result.stderrText)
        // Every rule of the file has a test case.
        let tests = try String(contentsOf: directory.appendingPathComponent("alerts.test.yml"), encoding: .utf8)
        let rules = try String(contentsOf: directory.appendingPathComponent("alerts.yml"), encoding: .utf8)
            .split(separator: "\n").compactMap { line -> String? in
                guard let r = line.range(of: "- alert: ") else { return nil }
                return String(line[r.upperBound...])
            }
        XCTAssertEqual(rules.count, 6)
        for rule in rules { XCTAssertTrue(tests.contains("alertname: \(rule)\n"), "no test for \(rule)") }
    }
}
