import XCTest

final class LaravelQueueTestsPlaceholder: XCTestCase {
    func testPlaceholderUntilTheModuleLands() { XCTAssertTrue(true) }
}
