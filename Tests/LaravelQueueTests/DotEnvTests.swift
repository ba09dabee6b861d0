import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import TestSupport
import XCTest

final class DotEnvTests: XCTestCase {
    /// Every case is loaded by Shuttle and by the real phpdotenv; values (or error messages) must agree.
    /// Names starting `DTX_` are set in the process environment of both.
    static let corpus: [String] = [
        "A=plain\nB=\nC=''\nD=\"\"",
        "A=foo#bar\nB=foo #bar\nC=#x\nD=  spaced  \n",
        "A='single $A ${B} \\n'\nB=\"double \\\"q\\\" \\\\ \\$HOME \\n\\t|\"",
        "export EXP=1\nexport  EXP2=2\n\"QN\"=3\n'QS'=4",
        "A=1\r\nB=2\r\nC=\"x\r\ny\"\r\n",
        "A=1\rB=2\r",
        "A=\"line one\nline two\n  line three\"\nB=after",
        "A=\"one\n# not a comment\n\"\nB=x",
        "A=\"escaped \\\" quote\nnext\"\nB=y",
        "# comment\n   # indented comment\n\n\t\nA=1 # trailing\nB=\"2\" # after quote\nC='3'#tight",
        "A=x\nB=${A}\nC=\"${A}-${B}\"\nD='${A}'\nE=${MISSING}\nF=$A\nG=${A}${B}${DTX_ENV}\nH=pre${A}post",
        "A=file\nDTX_ENV=fromfile\nB=${DTX_ENV}\nC=${DTX_EMPTY}",
        "A=1\nA\nB=${A}\nA=2\nC=${A}",
        "A=first\nA=second",
        "A=${B}\nB=later",
        "A=\"${B\"\nB=\"$\"\nC=${}\nD=${A.B}",
        "A.B=dotted\nC=${A.B}",
        "A=unicode é ü",
        "A=\"unicode é ü\"\nB=Café\nC='ß'",
        "A=a b",
        "A=\"x\" y",
        "A='unterminated",
        "A=\"bad \\q escape\"",
        "=value",
        "BAD NAME=1",
        "export A",
        "A-B=1",
        "A==b\nB=a=b",
        "A=\"\\fx\\vy\\rz\"",
        "A=(paren)\nB=a'b\"c",
        "  A  =  b  ",
        "A=x\\y\nB=\"x\\\\\\\\y\"",
        "A=\"x\"\"y\"",
        "A=\\$\nB=\"\\${A}\"",
        "APP_NAME=\"My App\"\nAPP_KEY=base64:Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=\nREDIS_PREFIX=\"${APP_NAME}_\"",
        "NULLV=null\nTRUEV=(true)\nEMPTYV=empty",
    ]

    static let environment = ["DTX_ENV": "fromenv", "DTX_EMPTY": ""]

    func testMatchesRealPhpdotenv() throws {
        for (index, contents) in Self.corpus.enumerated() {
            let names = Self.names(in: contents) + Self.environment.keys.sorted()
            let reference = try DotEnvPHPReference.load(contents, names: names, environment: Self.environment)
            let ours: DotEnvPHPReference.Outcome
            do {
                let loaded = try DotEnv.load(contents, file: "case\(index)", environment: Self.environment)
                var values: [String: String?] = [:]
                for name in names { values[name] = .some(Self.environment[name] ?? loaded[name]) }
                ours = .values(values)
            } catch {
                ours = .error(error.message)
            }
            XCTAssertEqual(ours, reference, "case \(index): \(contents.debugDescription)")
        }
    }

    /// Names that might be defined by `contents` (anything left of `=` or on a bare line), for the reference.
    static func names(in contents: String) -> [String] {
        let candidates = contents.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).compactMap { line -> String? in
            var name = String(line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            name = name.replacingOccurrences(of: "export ", with: "").trimmingCharacters(in: .whitespaces)
            name = name.trimmingCharacters(in: CharacterSet(charactersIn: "\"'\u{FEFF}"))
            return name.range(of: "^[A-Za-z0-9_.]+$", options: .regularExpression) != nil ? name : nil
        }
        return Array(Set(candidates)).sorted()
    }

    func testDocumentedBehaviour() throws {
        let loaded = try DotEnv.load("""
            # comment
            APP_NAME="My App"
            export REDIS_HOST=10.0.0.5
            REDIS_PASSWORD='p#ss $x ${y}'
            REDIS_PREFIX=${APP_NAME}_x # note
            MULTI="a
            b\\nc"
            EMPTY=
            """, environment: [:])
        XCTAssertEqual(loaded["APP_NAME"], "My App")
        XCTAssertEqual(loaded["REDIS_HOST"], "10.0.0.5")
        XCTAssertEqual(loaded["REDIS_PASSWORD"], "p#ss $x ${y}")
        XCTAssertEqual(loaded["REDIS_PREFIX"], "My App_x")
        XCTAssertEqual(loaded["MULTI"], "a\nb\nc")
        XCTAssertEqual(loaded["EMPTY"], "")
    }

    func testProcessEnvironmentWinsAndIsSeenByInterpolation() throws {
        let loaded = try DotEnv.load("HOSTNAME_X=file\nURL=redis://${HOSTNAME_X}:6379", environment: ["HOSTNAME_X": "env"])
        XCTAssertNil(loaded["HOSTNAME_X"], "an externally defined variable is not loaded from the file")
        XCTAssertEqual(loaded["URL"], "redis://env:6379")
    }

    func testErrorsNameFileAndLine() {
        XCTAssertThrowsError(try DotEnv.load("A=1\n\nB=two words\n", file: "/app/.env")) { error in
            XCTAssertEqual("\(error)", "/app/.env:3: Encountered unexpected whitespace at [two words].")
        }
        XCTAssertThrowsError(try DotEnv.load("A=1\r\nB=\"multi\r\nline\"\r\nC D=3", file: ".env")) { error in
            XCTAssertEqual("\(error)", ".env:4: Encountered an invalid name at [C D].")
        }
    }

    /// phpdotenv silently drops an unterminated multi-line value and everything after it; Shuttle refuses.
    func testUnterminatedMultilineValueIsAnError() throws {
        XCTAssertThrowsError(try DotEnv.load("A=1\nB=\"open\nC=2\nD=3", file: "x.env")) { error in
            XCTAssertEqual("\(error)", "x.env:2: Encountered a missing closing quote at [B=\"open].")
        }
        let reference = try DotEnvPHPReference.load("A=1\nB=\"open\nC=2\nD=3", names: ["A", "B", "C", "D"], environment: [:])
        XCTAssertEqual(reference, .values(["A": "1", "B": nil, "C": nil, "D": nil]), "phpdotenv behaviour changed")
        // A second `="` line re-opens the value in phpdotenv, so this never closes either.
        XCTAssertThrowsError(try DotEnv.load("A=\"\nB=\"", file: "y.env")) { error in
            XCTAssertEqual("\(error)", "y.env:1: Encountered a missing closing quote at [A=\"].")
        }
        XCTAssertEqual(try DotEnvPHPReference.load("A=\"\nB=\"", names: ["A", "B"], environment: [:]), .values(["A": nil, "B": nil]))
    }

    /// phpdotenv's file reader drops a UTF-8 byte-order mark (its string store, used above, does not).
    func testByteOrderMarkIsIgnored() throws {
        XCTAssertEqual(try DotEnv.load("\u{FEFF}BOM=1")["BOM"], "1")
    }

    func testMissingFileIsAnErrorNamingThePath() {
        XCTAssertThrowsError(try DotEnv.load(path: "/nonexistent/.env")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/.env:0: cannot read the file")
        }
    }
}


/// Loads `.env` text with the real vlucas/phpdotenv (Debian's, the one Laravel 8 uses), configured as
/// Laravel configures it: default adapters + putenv, immutable.
enum DotEnvPHPReference {
    enum Outcome: Equatable {
        case values([String: String?])
        /// phpdotenv's message without its "Failed to parse dotenv file. " lead-in.
        case error(String)
    }

    static let script = #"""
    require 'Dotenv/autoload.php';
    use Dotenv\Dotenv; use Dotenv\Store\StringStore; use Dotenv\Parser\Parser; use Dotenv\Loader\Loader;
    use Dotenv\Repository\RepositoryBuilder; use Dotenv\Repository\Adapter\PutenvAdapter;
    $repo = RepositoryBuilder::createWithDefaultAdapters()->addAdapter(PutenvAdapter::class)->immutable()->make();
    $names = json_decode(getenv('DOTENV_REFERENCE_NAMES'), true);
    try { (new Dotenv(new StringStore(stream_get_contents(STDIN)), new Parser(), new Loader(), $repo))->load(); }
    catch (Throwable $e) { echo json_encode(['error' => $e->getMessage()]); exit; }
    $out = []; foreach ($names as $n) { $out[$n] = $repo->get($n); }
    echo json_encode(['values' => (object) $out], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
    """#

    struct UnexpectedOutput: Error { let text: String }

    static func load(_ contents: String, names: [String], environment: [String: String]) throws -> Outcome {
        var env = environment
        env["DOTENV_REFERENCE_NAMES"] = String(decoding: try JSONSerialization.data(withJSONObject: names), as: UTF8.self)
        let result = try ProcessRunner.phpCode(script, stdin: Array(contents.utf8), environment: env)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any]
        if let message = object?["error"] as? String {
            return .error(message.replacingOccurrences(of: "Failed to parse dotenv file. ", with: ""))
        }
        guard let values = object?["values"] as? [String: Any] else {
            throw UnexpectedOutput(text: result.stdoutText + result.stderrText)
        }
        return .values(values.mapValues { $0 as? String })
    }
}
