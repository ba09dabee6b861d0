import Foundation
import LaravelQueue
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import TestSupport
import XCTest

/// `shuttle inspect` as a process: what it prints for every fixture is the library's rendering; every
/// unreadable input gives exit status 1 and exactly one line on stderr, nothing on stdout.
final class CLIInspectTests: XCTestCase {
    private var cli: CLIHarness!

    override func setUpWithError() throws {
        cli = try CLIHarness(label: "cli-inspect")
    }

    override func tearDownWithError() throws {
        cli?.cleanup()
    }

    /// The fixtures' payloads (each Laravel version's captures and the app's examples).
    private func fixtures() throws -> [String] {
        let manager = FileManager.default
        var paths: [String] = []
        for directory in try manager.contentsOfDirectory(atPath: TestEnvironment.fixtures.path).sorted()
        where directory.hasPrefix("laravel") || directory == "queue" {
            for file in try manager.contentsOfDirectory(atPath: TestEnvironment.fixtures.appendingPathComponent(directory).path).sorted()
            where directory == "queue" ? file.hasSuffix(".payload.json") : (file.hasSuffix(".json") && file != "index.json") {
                paths.append("\(directory)/\(file)")
            }
        }
        return paths
    }

    private func expected(_ bytes: [UInt8], key: Bool = true) throws -> String {
        let inspector = PayloadInspector(encrypter: key ? try Encrypter(appKey: CLIHarness.appKey) : nil)
        return try JSONPrettyPrinter.print(try inspector.inspect(bytes)) + "\n"
    }

    func testEveryFixtureFromAFile() throws {
        let fixtures = try fixtures()
        XCTAssertGreaterThan(fixtures.count, 100)
        for fixture in fixtures {
            let path = TestEnvironment.fixtures.appendingPathComponent(fixture).path
            let result = try cli.shuttle(["inspect", path], check: false)
            XCTAssertEqual(result.status, 0, "\(fixture): \(result.stderrText)")
            XCTAssertEqual(result.stderrText, "", fixture)
            XCTAssertEqual(result.stdoutText, try expected(try TestEnvironment.fixture(fixture)), fixture)
        }
    }

    func testStdinAndNoKey() throws {
        let bytes = try TestEnvironment.fixture("laravel12/encrypted.json")
        for arguments in [["inspect"], ["inspect", "-"]] {
            let result = try cli.shuttle(arguments, stdin: bytes)
            XCTAssertEqual(result.stdoutText, try expected(bytes))
            XCTAssertTrue(result.stdoutText.contains(#""accessToken""#))
        }
        let withoutKey = try cli.shuttle(["inspect", "-"], stdin: bytes, environment: ["APP_KEY": ""])
        XCTAssertEqual(withoutKey.stdoutText, try expected(bytes, key: false))
        XCTAssertTrue(withoutKey.stderrText.contains("APP_KEY"), withoutKey.stderrText)
    }

    func testReadyJobByIndex() throws {
        let payloads = try ["laravel8/monzo-pull.json", "laravel8/chain.json", "laravel8/encrypted.json"].map(TestEnvironment.fixture)
        for payload in payloads {
            try cli.redis(["rpush", cli.prefix + "queues:pull", String(decoding: payload, as: UTF8.self)])
        }
        for (index, payload) in payloads.enumerated() {
            let result = try cli.shuttle(["inspect", "--queue", "pull", "--index", String(index)])
            XCTAssertEqual(result.stdoutText, try expected(payload), "index \(index)")
        }
        try assertOneLineFailure(["inspect", "--queue", "pull", "--index", "3"], mentions: ["[pull]", "index 3"])
    }

    func testUnreadableInputsFailWithOneLine() throws {
        let directory = cli.directory
        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        // Bad JSON: the parser's byte offset.
        try assertOneLineFailure(["inspect", "-"], stdin: Array(#"{"uuid":"x",,}"#.utf8), mentions: ["stdin", "payload", "byte 12"])
        // A cut serialized command: the unserializer's byte offset, in the file named.
        let command = #"O:3:"Foo":1:{s:1:"a";i:"#
        let cut = try write("cut.json", #"{"attempts":0,"data":{"command":"O:3:\"Foo\":1:{s:1:\"a\";i:"}}"#)
        try assertOneLineFailure(["inspect", cut], mentions: [cut, "data.command", "byte offset \(command.utf8.count):", "end of input"])
        // A wrong APP_KEY: refused, never shown undecrypted.
        let encrypted = TestEnvironment.fixtures.appendingPathComponent("laravel10/encrypted.json").path
        let otherKey = "base64:" + Data(repeating: 1, count: 32).base64EncodedString()
        try assertOneLineFailure(["inspect", encrypted], environment: ["APP_KEY": otherKey], mentions: ["data.command", "MAC is invalid"])
        // Not a payload at all, a missing file, two sources.
        try assertOneLineFailure(["inspect", try write("list.json", "[1,2]")], mentions: ["not a JSON object"])
        try assertOneLineFailure(["inspect", directory.appendingPathComponent("missing.json").path], mentions: ["missing.json"])
        try assertOneLineFailure(["inspect", cut, "--queue", "default"], mentions: ["--queue"])
    }

    /// A payload Laravel's pop script cannot reserve is refused, with the reason, whatever it is read from.
    func testPayloadWithoutNumericAttemptsExitsOneWithTheReason() throws {
        let url = cli.directory.appendingPathComponent("no-attempts.json")
        let payload = #"{"uuid":"u","displayName":"App\\Jobs\\X","job":"Illuminate\\Queue\\CallQueuedHandler@call","data":{}}"#
        try Data(payload.utf8).write(to: url)
        let reason = #"no numeric "attempts": Laravel's pop script cannot reserve it"#
        try assertOneLineFailure(["inspect", url.path], mentions: [url.path, "payload", reason])
        try assertOneLineFailure(["inspect", "-"], stdin: Array(#"{"attempts":"many"}"#.utf8), mentions: ["stdin", reason])
        try cli.redis(["rpush", cli.prefix + "queues:poison", payload])
        try assertOneLineFailure(["inspect", "--queue", "poison"], mentions: ["queue [poison] index 0", reason])
    }

    /// Two array keys that are not UTF-8 stay two keys, as base64, in what the command prints.
    func testBinaryArrayKeysStayApart() throws {
        let encrypter = try Encrypter(appKey: CLIHarness.appKey)
        let command = Array(#"O:3:"Foo":1:{s:4:"keys";a:2:{s:1:""#.utf8) + [0xFF] + Array(#"";i:1;s:1:""#.utf8) + [0xFE]
            + Array(#"";i:2;}}"#.utf8)
        let bytes = Array(#"{"uuid":"u","attempts":0,"data":{"commandName":"Foo","command":"\#(try encrypter.encryptCommand(command))"}}"#.utf8)
        let result = try cli.shuttle(["inspect", "-"], stdin: bytes)
        XCTAssertEqual(result.stdoutText, try expected(bytes))
        XCTAssertTrue(result.stdoutText.contains(#""base64": "/w==""#), result.stdoutText)
        XCTAssertTrue(result.stdoutText.contains(#""base64": "/g==""#), result.stdoutText)
        XCTAssertFalse(result.stdoutText.contains("\u{FFFD}"))
    }

    private func assertOneLineFailure(_ arguments: [String], stdin: [UInt8] = [], environment: [String: String] = [:],
                                      mentions: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try cli.shuttle(arguments, stdin: stdin, environment: environment, check: false)
        XCTAssertEqual(result.status, 1, result.stderrText, file: file, line: line)
        XCTAssertEqual(result.stdoutText, "", file: file, line: line)
        XCTAssertEqual(result.stderrText.filter { $0 == "\n" }.count, 1, result.stderrText, file: file, line: line)
        XCTAssertTrue(result.stderrText.hasSuffix("\n"), file: file, line: line)
        for text in mentions {
            XCTAssertTrue(result.stderrText.contains(text), "\(text) not in \(result.stderrText)", file: file, line: line)
        }
    }
}
