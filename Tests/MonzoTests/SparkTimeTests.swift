import PHPSerialization
import Spark
import XCTest

/// Spec §3.2: what Eloquent stores for a datetime value (its own wall-clock time, offset and fraction dropped).
final class SparkTimeTests: XCTestCase {
    func testEloquentDatetimeText() {
        let cases: [(PHPValue, String?)] = [
            (.string("2025-08-27T08:14:03.512Z"), "2025-08-27 08:14:03"),
            (.string("2025-08-13 19:37:47 +0100"), "2025-08-13 19:37:47"),
            (.string("2025-08-13T19:37:47+01:00"), "2025-08-13 19:37:47"),
            (.string("2025-08-12"), "2025-08-12 00:00:00"),
            (.string("2025-09-02 23:59:59"), "2025-09-02 23:59:59"),
            (.int(1_756_848_600), "2025-09-02 21:30:00"),
            (.string("2025-02-30T00:00:00Z"), nil),
            (.string("yesterday-ish"), nil),
            (.array(PHPArray()), nil),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(SparkTime.eloquent(value), expected, "\(value)")
        }
    }

    func testFixedClock() throws {
        let clock = try XCTUnwrap(SparkClock(fixedAt: "2025-10-25T23:40:00Z"))
        XCTAssertEqual(clock.nowText, "2025-10-25 23:40:00")
        XCTAssertEqual(clock.today, "2025-10-25")
        // An offset moves the instant: 00:40 at +01:00 is 23:40 UTC the day before.
        XCTAssertEqual(SparkClock(fixedAt: "2025-10-26T00:40:00+01:00")?.nowText, "2025-10-25 23:40:00")
        XCTAssertNil(SparkClock(fixedAt: "soon"))
    }
}
