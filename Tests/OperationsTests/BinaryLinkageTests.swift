import Foundation
import TestSupport
import XCTest

/// libpq and libcurl are loaded with dlopen when first used (Sources/CLibPQ/shim.h, Sources/CCurl/shim.h), so a
/// worker that never talks to PostgreSQL or HTTP maps neither them nor their ~30 dependencies. A `link` in a
/// module map, or a target linking either again, shows up here.
final class BinaryLinkageTests: XCTestCase {
    func testShuttleLinksNeitherLibcurlNorLibpq() throws {
        // The test build's binary; the release one is built from the same module maps.
        let binary = TestEnvironment.repositoryRoot.appendingPathComponent(".build/debug/shuttle").path
        let result = try ProcessRunner.run(["ldd", binary], check: false)
        XCTAssertEqual(result.status, 0, result.stderrText)
        let libraries = result.stdoutText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        // What it does link is listed (so an empty or failed listing cannot pass).
        XCTAssertTrue(libraries.contains { $0.hasPrefix("libhiredis") }, "ldd listed no hiredis: \(result.stdoutText)")
        for unwanted in ["libcurl", "libpq"] {
            XCTAssertFalse(libraries.contains { $0.hasPrefix(unwanted) }, "\(unwanted) linked at load time: \(result.stdoutText)")
        }
    }
}
