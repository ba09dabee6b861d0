import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import TestSupport
import XCTest

/// `Str::slug` decides every derived key prefix, so it is checked against Laravel's own implementation.
final class ConfigurationSlugTests: XCTestCase {
    func testSpecExamples() {
        XCTAssertEqual(LaravelStr.slug("My App", separator: "_"), "my_app")
        XCTAssertEqual(LaravelStr.slug("My App"), "my-app")
        XCTAssertEqual(LaravelStr.slug("Foo.Bar", separator: "_"), "foobar")
        XCTAssertEqual(LaravelStr.slug("Café Crème", separator: "_"), "cafe_creme")
        XCTAssertEqual(LaravelStr.slug("a@b", separator: "_"), "a_at_b")
        XCTAssertEqual(LaravelStr.slug("Laravel", separator: "_"), "laravel")
    }

    static let corpus: [String] = [
        "Laravel", "My App", "Foo.Bar", "Café Crème", "a@b", "  --My__App--  ", "x_y-z", "a - b _ c",
        "Straße", "Ærø Øl", "Łódź", "Œuvre", "Þorn ð", "İstanbul", "ĳssel", "Ķekava", "Crème brûlée 2",
        "user@example.com", "@@", "100% Pure", "Tab\tSep\nNew", "dots...and,commas", "ÀÉÎÕÜ àéîõü",
        "Ñandú", "£ price", "¥en", "", "---", "___", "a\u{A0}b", "Mix-ed_Sep ar@tor", "Ĥėłŀő Ŵőŕłđ",
    ]

    func testMatchesLaravel8StrSlug() throws {
        var inputs = Self.corpus
        for value in ASCIITransliteration.exactRange {
            inputs.append("x\(Character(Unicode.Scalar(value)!))y Z")
        }
        let reference = try Self.laravelSlugs(inputs)
        for (index, input) in inputs.enumerated() {
            XCTAssertTrue(LaravelStr.slugIsExact(input), input)
            XCTAssertEqual(LaravelStr.slug(input, separator: "_"), reference[index][0], "slug(\(input.debugDescription), '_')")
            XCTAssertEqual(LaravelStr.slug(input), reference[index][1], "slug(\(input.debugDescription))")
        }
    }

    func testCharactersOutsideTheTableAreFlagged() {
        XCTAssertFalse(LaravelStr.slugIsExact("Привет"))
        XCTAssertFalse(LaravelStr.slugIsExact("日本"))
        XCTAssertTrue(LaravelStr.slugIsExact("Déjà vu"))
    }

    /// `[slug(s, '_'), slug(s)]` for each input, computed by Debian's Laravel 8 `Str::slug`.
    static func laravelSlugs(_ inputs: [String]) throws -> [[String]] {
        let code = #"""
        require 'Illuminate/autoload.php';
        $out = [];
        foreach (json_decode(stream_get_contents(STDIN), true) as $s) {
            $out[] = [Illuminate\Support\Str::slug($s, '_'), Illuminate\Support\Str::slug($s)];
        }
        echo json_encode($out);
        """#
        let input = try JSONSerialization.data(withJSONObject: inputs)
        let result = try ProcessRunner.phpCode(code, stdin: [UInt8](input))
        guard let output = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [[String]], output.count == inputs.count else {
            XCTFail("unexpected PHP output: \(result.stdoutText) \(result.stderrText)")
            return []
        }
        return output
    }
}
