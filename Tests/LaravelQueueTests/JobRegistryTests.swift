import LaravelQueue
import XCTest

final class JobRegistryTests: XCTestCase {
    private struct SendInvoice: JobHandler { func handle(_ context: JobContext) async throws {} }
    private struct OtherSendInvoice: JobHandler { func handle(_ context: JobContext) async throws {} }

    func testASecondRegistrationOfAClassFailsNamingBothRegistrants() throws {
        var registry = JobRegistry()
        try registry.register("App\\Jobs\\SendInvoice", SendInvoice(), by: "Billing")
        for spelling in ["App\\Jobs\\SendInvoice", "\\app\\jobs\\sendinvoice", "APP\\JOBS\\SENDINVOICE"] {
            XCTAssertThrowsError(try registry.register(spelling, OtherSendInvoice(), by: "Spark")) { error in
                XCTAssertEqual(
                    "\(error)",
                    "job class \(spelling) is registered twice: by Billing (SendInvoice) and by Spark (OtherSendInvoice)")
            }
        }
        XCTAssertTrue(registry.handler(for: "\\App\\Jobs\\SendInvoice") is SendInvoice, "the first registration stays")
        XCTAssertEqual(registry.registeredClasses, ["app\\jobs\\sendinvoice"])
    }

    func testWithoutARegistrantTheHandlerTypesAreNamed() throws {
        var registry = JobRegistry()
        try registry.register("App\\Jobs\\SendInvoice", SendInvoice())
        XCTAssertThrowsError(try registry.register("App\\Jobs\\SendInvoice", SendInvoice())) { error in
            XCTAssertEqual("\(error)", "job class App\\Jobs\\SendInvoice is registered twice: by SendInvoice and by SendInvoice")
        }
    }
}
