import Logging
import ShuttleOperations
import XCTest

/// LOG_LEVEL takes Laravel's (Monolog's) eight names.
final class LaravelLogLevelTests: XCTestCase {
    func testEveryLaravelNameMaps() {
        XCTAssertEqual(LaravelLogLevel.names.compactMap(LaravelLogLevel.parse).count, 8)
        XCTAssertEqual(LaravelLogLevel.parse("NOTICE"), .notice)
        XCTAssertEqual(LaravelLogLevel.parse("alert"), .critical)
        XCTAssertEqual(LaravelLogLevel.parse("emergency"), .critical)
        XCTAssertNil(LaravelLogLevel.parse("verbose"))
    }
}
