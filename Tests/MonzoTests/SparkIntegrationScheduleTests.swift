import PHPFormats
import Spark
import XCTest

/// The app's `Integration` helpers (spec §6.1) on their edges: the frequency PHP's `int` return type makes of
/// the configuration, and the strict comparisons of `needsUpdate`, `isProcessing` and the "too soon" rule.
final class SparkIntegrationScheduleTests: XCTestCase {
    private func integration(_ configuration: String?, triggered: String? = nil, updated: String? = nil) throws -> SparkIntegration {
        SparkIntegration(id: "i", userId: "u", configuration: try configuration.map { try JSONParser.parse(Array($0.utf8)) },
                         lastTriggeredAt: triggered, lastSuccessfulUpdateAt: updated)
    }

    func testFrequencyIsPHPsIntOfTheConfiguration() throws {
        XCTAssertEqual(try integration(nil).updateFrequencyMinutes, 15)
        XCTAssertEqual(try integration("[]").updateFrequencyMinutes, 15)
        XCTAssertEqual(try integration(#"{"update_frequency_minutes":null}"#).updateFrequencyMinutes, 15)
        XCTAssertEqual(try integration(#"{"update_frequency_minutes":30}"#).updateFrequencyMinutes, 30)
        XCTAssertEqual(try integration(#"{"update_frequency_minutes":"45"}"#).updateFrequencyMinutes, 45)
        XCTAssertEqual(try integration(#"{"update_frequency_minutes":7.9}"#).updateFrequencyMinutes, 7)
        XCTAssertNil(try integration(#"{"update_frequency_minutes":"often"}"#).updateFrequencyMinutes, "PHP: TypeError")
        XCTAssertNil(try integration(#"{"update_frequency_minutes":[5]}"#).updateFrequencyMinutes)
    }

    func testDueProcessingAndTooSoonAreStrict() throws {
        let now = try XCTUnwrap(SparkTime.parse("2025-09-02 21:30:00")).unix
        XCTAssertTrue(try integration(nil).needsUpdate(now: now, frequency: 15))
        XCTAssertFalse(try integration(nil, updated: "2025-09-02 21:15:00").needsUpdate(now: now, frequency: 15), "exactly due is not after")
        XCTAssertTrue(try integration(nil, updated: "2025-09-02 21:14:59").needsUpdate(now: now, frequency: 15))

        // Window clamp(frequency, 5, 30): a 60-minute instance triggered 31 minutes ago is no longer processing.
        XCTAssertFalse(try integration(nil, triggered: "2025-09-02 20:59:00").isProcessing(now: now, frequency: 60))
        XCTAssertTrue(try integration(nil, triggered: "2025-09-02 21:01:00").isProcessing(now: now, frequency: 60))
        XCTAssertTrue(try integration(nil, triggered: "2025-09-02 21:26:00").isProcessing(now: now, frequency: 1), "at least 5 minutes")
        XCTAssertFalse(try integration(nil, triggered: "2025-09-02 21:25:00").isProcessing(now: now, frequency: 1))
        XCTAssertFalse(try integration(nil, triggered: "2025-09-02 21:29:00", updated: "2025-09-02 21:29:00").isProcessing(now: now, frequency: 15),
                       "updated since its trigger")

        XCTAssertTrue(try integration(nil, triggered: "2025-09-02 21:16:00").triggeredTooRecently(now: now, frequency: 15))
        XCTAssertFalse(try integration(nil, triggered: "2025-09-02 21:15:00").triggeredTooRecently(now: now, frequency: 15))
        XCTAssertFalse(try integration(nil).triggeredTooRecently(now: now, frequency: 15))
    }
}
