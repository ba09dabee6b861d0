import HTTP
import XCTest

/// libcurl is dlopened on the first request, not linked: a host without it gets a clear transport error, not a
/// crash at start or at the request.
final class LibCurlLoadingTests: XCTestCase {
    func testMissingLibcurlIsATransportErrorNamingThePackage() throws {
        // A soname no system has: dlopen really fails, as on a host without the libcurl4 package.
        let error = try XCTUnwrap(LibCurl.loadError(soname: "libcurl-not-installed.so.4"))
        XCTAssertEqual(error.kind, .transport)
        XCTAssertTrue(error.message.hasPrefix("libcurl could not be loaded ("), error.message)
        XCTAssertTrue(error.message.contains("libcurl-not-installed.so.4"), "dlerror's reason missing: \(error.message)")
        XCTAssertTrue(error.message.hasSuffix("install the libcurl4 package"), error.message)
    }

    func testInstalledLibcurlLoadsAndInitializes() {
        XCTAssertNil(LibCurl.loadError(soname: "libcurl.so.4"))
    }
}
