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

    func testARegistrarNamesItsIntegrationOnEveryEntry() throws {
        var billing = JobRegistrar(integration: "Billing")
        try billing.register("App\\Jobs\\SendInvoice", SendInvoice())
        try billing.register("App\\Jobs\\Refund", SendInvoice())
        var spark = JobRegistrar(integration: "Spark", registry: billing.registry)
        try spark.register("App\\Jobs\\Sync", OtherSendInvoice())
        XCTAssertThrowsError(try spark.register("App\\Jobs\\Refund", OtherSendInvoice())) { error in
            XCTAssertEqual(error as? DuplicateJobRegistration, DuplicateJobRegistration(
                phpClass: "App\\Jobs\\Refund", first: "Billing (SendInvoice)", second: "Spark (OtherSendInvoice)"))
        }
        XCTAssertEqual(spark.registry.registeredClasses, ["app\\jobs\\refund", "app\\jobs\\sendinvoice", "app\\jobs\\sync"])
    }
}
