import AppleHealth
import PHPFormats
import PHPSerialization
import TestSupport
import XCTest

/// encode() and the Summary texts against PHP 8.2 itself (`php -r`), on the fixtures' numbers, near-half
/// cases where PHP's pre-rounding matters, and a spread of random ones.
final class AppleHealthNumberTests: XCTestCase {
    func testEncodeAndTextMatchPHP() throws {
        var values: [Double] = [77.31842723339633, 90.50026665345655, 0.5655471841150429, 79, 76.0, -2.5, 2.0004999999999997,
                                129.88400000000024, 1130.0801928043365, 1.8251686498265018, 753.3319999999859, 24.235000000000007,
                                201.71899999999653, 0.0005, -0.0005, 1.0005, 2.5e-4, 123456789.0125, 1e15 + 0.5, 1e-7, 4.0445,
                                1.2345e13 + 0.0625, 0.1 + 0.2, 99999.9995, -1234.5675]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let whole = Double(Int.random(in: 0..<100_000, using: &generator))
            let thousandths = Double(Int.random(in: 0..<1000, using: &generator))
            // k + n/1000 + 0.0005, one ulp either way: the half-way cases of round(x × 1000).
            let half = whole + thousandths / 1000 + 0.0005
            values += [half, half.nextUp, half.nextDown, Double.random(in: -1e6...1e6, using: &generator),
                       Double.random(in: 0...2, using: &generator)]
        }
        let json = "[" + values.map { PHPFloatFormat.json($0) }.joined(separator: ",") + "]"
        let php = try ProcessRunner.phpCode(#"""
            foreach (json_decode(stream_get_contents(STDIN)) as $f) {
                $f = (float) $f;
                $v = fmod($f, 1.0) !== 0.0 ? (int) round($f * 1000) . ' 1000' : (int) $f . ' 1';
                echo $v, ' ', "$f", "\n";
            }
            """#, stdin: Array(json.utf8))
        let lines = php.stdoutText.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, values.count)
        var mismatches: [String] = []
        for (value, line) in zip(values, lines) {
            let (v, m) = try AppleHealthNumber.encode(.double(value))
            let ours = "\(v!) \(m!) \(AppleHealthNumber.text(.double(value)))"
            if ours != line { mismatches.append("\(PHPFloatFormat.json(value)): PHP \(line), Shuttle \(ours)") }
        }
        XCTAssertEqual(mismatches, [])
    }

    func testEncodeRules() throws {
        XCTAssertTrue(try AppleHealthNumber.encode(nil) == (nil, nil))
        XCTAssertTrue(try AppleHealthNumber.encode(.string("")) == (nil, nil))
        XCTAssertTrue(try AppleHealthNumber.encode(.string("5.48")) == (5480, 1000))
        XCTAssertTrue(try AppleHealthNumber.encode(.string(" 12 ")) == (12, 1))
        XCTAssertTrue(try AppleHealthNumber.encode(.bool(true)) == (1, 1))
        XCTAssertTrue(try AppleHealthNumber.encode(.double(.infinity)) == (nil, nil))
        XCTAssertTrue(try AppleHealthNumber.encode(.int(79)) == (79, 1))
        XCTAssertThrowsError(try AppleHealthNumber.encode(.string("abc")))
        XCTAssertThrowsError(try AppleHealthNumber.encode(.string("0x1A")))
        XCTAssertThrowsError(try AppleHealthNumber.encode(.array(PHPArray(list: [.int(1)]))))
    }
}
