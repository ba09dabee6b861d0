import XCTest

final class DatabaseTestsPlaceholder: XCTestCase {
    func testPlaceholderUntilTheModuleLands() { XCTAssertTrue(true) }
}
