import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import TestSupport
import XCTest

/// Horizon's `pushedAt` is PHP's float-to-string under `precision = 14`; Shuttle formats it through the C
/// library (`CFormat`, no Foundation). Both are compared with PHP itself, over microtime-like values and the
/// edges of the fixed/exponent layouts.
final class PayloadPushedAtTests: XCTestCase {
    static func values() -> [Double] {
        var generator = SystemRandomNumberGenerator()
        let microtimes = (0..<300).map { _ in Double(Int.random(in: 1_000_000_000...4_000_000_000, using: &generator)) + Double(Int.random(in: 0..<1_000_000, using: &generator)) / 1e6 }
        let edges: [Double] = [
            0, -0.0, 1, -1, 0.5, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e14, 99_999_999_999_999, 99_999_999_999_999.5, 1e14 + 0.5,
            1e15, 123_456_789_012_345_680, 1e25, 1.5e-7, -1.5e-7, 0.0001, 0.00001, 0.000123456789012345, 1e-300,
            .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1_795_981_914.972_61, 1_795_981_914, 1_795_981_914.999_999_9, 1_700_000_000.000_05,
        ]
        let scaled = (-20...20).map { 1.234_567_890_123_456_7 * pow(10, Double($0)) }
        return microtimes + edges + scaled
    }

    /// PHP code that yields each value exactly: Swift's shortest round-trip text parses back to the same double.
    static func phpLiteral(_ value: Double) -> String {
        if value.isNaN { return "NAN" }
        if value.isInfinite { return value < 0 ? "-INF" : "INF" }
        return "(float) '\(value)'"
    }

    func testMatchesPHPStringCastWithPrecision14() throws {
        let values = Self.values() + [.infinity, -.infinity, .nan]
        let code = "foreach ([" + values.map(Self.phpLiteral).joined(separator: ", ") + "] as $v) echo (string) $v, \"\\n\";"
        let php = try ProcessRunner.run(["php", "-d", "precision=14", "-r", code])
        let expected = php.stdoutText.split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, values.count)
        for (value, text) in zip(values, expected) {
            XCTAssertEqual(PayloadIdentity.phpFloatString(value), text, "\(value)")
        }
    }

    func testFixedSixDecimalsMatchPHPSprintf() throws {
        // Not -0.0: C prints `-0.000000`, PHP `0.000000`; the probe's times are never negative.
        let values = Self.values().filter { abs($0) < 1e15 && !($0 == 0 && $0.sign == .minus) }
        let code = "foreach ([" + values.map(Self.phpLiteral).joined(separator: ", ") + "] as $v) echo sprintf('%.6f', $v), \"\\n\";"
        let expected = try ProcessRunner.run(["php", "-r", code]).stdoutText.split(separator: "\n").map(String.init)
        XCTAssertEqual(expected.count, values.count)
        for (value, text) in zip(values, expected) {
            XCTAssertEqual(CFormat.string("%.6f", value), text, "\(value)")
        }
    }

    func testLongOutputGrowsTheBuffer() {
        let text = CFormat.string("%.3f|%d", 1e80, 7)
        XCTAssertEqual(text.count, 81 + 4 + 2)
        XCTAssertTrue(text.hasPrefix("1000000000000000"))
        XCTAssertTrue(text.hasSuffix(".000|7"))
    }
}
