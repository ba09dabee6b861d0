import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import TestSupport
import XCTest

final class ConfigurationEnvironmentTests: XCTestCase {
    func testPrecedenceFileThenProcessThenOverrides() throws {
        let directory = try TestEnvironment.temporaryDirectory("shuttle-env")
        let file = directory.appendingPathComponent(".env").path
        try "A=file\nB=file\nC=file\nD=${B}\n".write(toFile: file, atomically: true, encoding: .utf8)
        let env = try LaravelEnvironment.load(envFile: file, process: ["B": "process", "C": "process"], overrides: ["C": "override"])
        XCTAssertEqual(env["A"], "file")
        XCTAssertEqual(env["B"], "process")
        XCTAssertEqual(env["C"], "override")
        XCTAssertEqual(env["D"], "process", "interpolation sees the process environment, as in PHP")
        XCTAssertEqual(env.origin(of: "A"), "from \(file)")
        XCTAssertEqual(env.origin(of: "B"), "from the process environment")
        XCTAssertEqual(env.origin(of: "C"), "from the command line")
        XCTAssertNil(env["UNSET"])
    }

    func testWithoutEnvFileOnlyProcessAndOverrides() throws {
        let env = try LaravelEnvironment.load(envFile: nil, process: ["X": "1"], overrides: ["Y": "2"])
        XCTAssertEqual(env.variables, ["X": "1", "Y": "2"])
    }

    func testDotEnvErrorsPropagateWithLocation() throws {
        let directory = try TestEnvironment.temporaryDirectory("shuttle-env")
        let file = directory.appendingPathComponent(".env").path
        try "OK=1\nBROKEN=\"open'\nNEXT=2".write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LaravelEnvironment.load(envFile: file, process: [:])) { error in
            XCTAssertEqual("\(error)", "\(file):2: Encountered a missing closing quote at [BROKEN=\"open'].")
        }
    }

    /// Laravel's `env()` casts, checked against the real helper (Debian's Laravel 8).
    func testCastsMatchLaravelEnvHelper() throws {
        let raws = ["true", "TRUE", "(true)", "false", "(False)", "null", "(null)", "NULL", "empty", "(empty)",
                    "\"quoted\"", "'single'", "\"mismatch'", "\"\"", "\"", "plain", "", "0", "1", "yes", " true",
                    "\"a\nb\"", "'a\"b'"]
        var environment: [String: String] = [:]
        for (index, raw) in raws.enumerated() { environment["SHUTTLE_CAST_\(index)"] = raw }
        let code = #"""
        require 'Illuminate/autoload.php';
        $out = [];
        for ($i = 0; $i < (int) getenv('SHUTTLE_CAST_COUNT'); $i++) {
            $v = env("SHUTTLE_CAST_$i", 'DEFAULT');
            $out[] = is_bool($v) ? ['bool', $v] : (is_null($v) ? ['null', null] : ['string', $v]);
        }
        echo json_encode($out);
        """#
        environment["SHUTTLE_CAST_COUNT"] = "\(raws.count)"
        let result = try ProcessRunner.phpCode(code, environment: environment)
        let reference = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[Any]])
        let env = LaravelEnvironment(process: environment)
        for (index, raw) in raws.enumerated() {
            let expected: EnvValue
            switch reference[index][0] as? String {
            case "bool": expected = .bool(reference[index][1] as? Bool ?? false)
            case "null": expected = .null
            default: expected = .string(reference[index][1] as? String ?? "?")
            }
            XCTAssertEqual(env.value("SHUTTLE_CAST_\(index)"), expected, "env() of \(raw.debugDescription)")
        }
    }

    func testStringGetterFollowsPHP() {
        let env = LaravelEnvironment(process: ["EMPTY": "", "NULL": "null", "TRUE": "true", "Q": "'x'"])
        XCTAssertEqual(env.string("EMPTY", default: "d"), "", "a defined empty variable wins over the default")
        XCTAssertNil(env.string("NULL", default: "d"), "null is null, not the default")
        XCTAssertEqual(env.string("TRUE"), "1")
        XCTAssertEqual(env.string("Q"), "x")
        XCTAssertEqual(env.string("MISSING", default: "d"), "d")
    }

    func testTypedGettersReportOneLineErrors() throws {
        let env = LaravelEnvironment(process: [
            "REDIS_PORT": "abc", "BIG_PORT": "70000", "N": "12", "FLAG": "maybe", "SECS": "-1", "NL": "a\nb", "ON": "on",
        ])
        XCTAssertThrowsError(try env.port("REDIS_PORT", default: 6379)) { error in
            XCTAssertEqual("\(error)", "REDIS_PORT=\"abc\" is not a port number")
        }
        XCTAssertThrowsError(try env.port("BIG_PORT", default: 6379)) { error in
            XCTAssertEqual("\(error)", "BIG_PORT=\"70000\" is not a port number")
        }
        XCTAssertThrowsError(try env.bool("FLAG", default: false)) { error in
            XCTAssertEqual("\(error)", "FLAG=\"maybe\" is not a boolean (use true or false)")
        }
        XCTAssertThrowsError(try env.seconds("SECS", default: nil)) { error in
            XCTAssertEqual("\(error)", "SECS=\"-1\" is not a number of seconds")
        }
        XCTAssertThrowsError(try env.integer("NL", default: 0)) { error in
            XCTAssertEqual("\(error)", "NL=\"a\\nb\" is not a whole number")
            XCTAssertFalse("\(error)".contains("\n"))
        }
        XCTAssertEqual(try env.integer("N", default: 0), 12)
        XCTAssertEqual(try env.port("MISSING", default: 6379), 6379)
        XCTAssertEqual(try env.bool("ON", default: false), true)
    }

    func testListDropsEmptyItems() {
        let env = LaravelEnvironment(process: ["KEYS": "base64:a,,base64:b,"])
        XCTAssertEqual(env.list("KEYS"), ["base64:a", "base64:b"])
        XCTAssertEqual(env.list("NONE"), [])
    }
}
