import XCTest

final class PHPSerializationTestsPlaceholder: XCTestCase {
    func testPlaceholderUntilTheModuleLands() { XCTAssertTrue(true) }
}
