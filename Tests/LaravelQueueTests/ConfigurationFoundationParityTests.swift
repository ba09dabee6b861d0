import Foundation
@testable import LaravelQueue
@testable import LaravelBus
@testable import LaravelHorizon
@testable import PHPFormats
@testable import ShuttleRuntime
@testable import ShuttleProbe
import XCTest

/// The Foundation-free string helpers give what the Foundation calls they replaced gave (tests may use
/// Foundation; Sources may not).
final class ConfigurationFoundationParityTests: XCTestCase {
    static let scalars: [Unicode.Scalar] = (0...0x3100).compactMap(Unicode.Scalar.init) + ["\u{FEFF}", "\u{E9}\u{301}"].flatMap(\.unicodeScalars)

    /// `decompositionBase` (stdlib NFD) = the first scalar of `decomposedStringWithCanonicalMapping`.
    func testDecompositionBaseMatchesFoundationNFD() {
        for scalar in Self.scalars {
            let foundation = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars.first
                .flatMap { $0.isASCII && $0.properties.isAlphabetic ? $0 : nil }
            XCTAssertEqual(ASCIITransliteration.decompositionBase(scalar), foundation, "U+\(String(scalar.value, radix: 16))")
        }
    }

    /// `trimmingSpaces` = `trimmingCharacters(in: .whitespaces)`, every scalar on either side.
    func testTrimmingSpacesMatchesFoundationWhitespaces() {
        for scalar in Self.scalars {
            var padded = String.UnicodeScalarView()
            padded.append(scalar); padded.append("7"); padded.append(scalar)
            let text = String(padded)
            XCTAssertEqual(String(text.trimmingSpaces()), text.trimmingCharacters(in: .whitespaces), "U+\(String(scalar.value, radix: 16))")
        }
        XCTAssertEqual(String(" \t 12 \u{3000}".trimmingSpaces()), "12")
        XCTAssertEqual(String(" \t ".trimmingSpaces()), "")
    }
}
