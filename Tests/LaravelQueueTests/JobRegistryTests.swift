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
        XCTAssertEqual(registry.registeredClasses, ["App\\Jobs\\SendInvoice"], "as first registered")
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
        XCTAssertEqual(spark.registry.registeredClasses, ["App\\Jobs\\Refund", "App\\Jobs\\SendInvoice", "App\\Jobs\\Sync"])
    }

    /// PHP folds class names ASCII-only, and so does the selective pop script's `string.lower`: a registry that
    /// folded `É` would never match the classes the script returns.
    func testClassNamesFoldASCIIOnlyLikePHPAndTheScript() {
        XCTAssertEqual(JobRegistry.normalize("\\App\\Jobs\\ÉtéSync"), "app\\jobs\\Étésync", "É stays, S folds")
        XCTAssertEqual(JobRegistry.normalize("APP\\JOBS\\X"), "app\\jobs\\x")
    }
}
