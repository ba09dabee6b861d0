import XCTest

final class RedisTestsPlaceholder: XCTestCase {
    func testPlaceholderUntilTheModuleLands() { XCTAssertTrue(true) }
}
