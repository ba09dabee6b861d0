import XCTest

final class InteropTestsPlaceholder: XCTestCase {
    func testPlaceholderUntilTheModuleLands() { XCTAssertTrue(true) }
}
