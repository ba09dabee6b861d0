import LaravelQueue
import LaravelQueueTesting
import PHPFormats
import PHPSerialization
import Synchronization
import XCTest

/// How an integration author tests a job handler with the testing product, no Redis or database needed:
/// first the handler alone with `JobContext.testing`, then the job dispatched as PHP would and run by a real
/// `Worker` on an `InMemoryQueue`, with an in-memory cache and failed-job store.
final class HandlerAuthorExampleTests: XCTestCase {
    /// Where the example handler sends invoices; `down` makes it unavailable.
    final class Mailer: Sendable {
        private let state = Mutex<(sent: [Int], down: Bool)>(([], false))
        var sent: [Int] { state.withLock { $0.sent } }
        var down: Bool {
            get { state.withLock { $0.down } }
            set { state.withLock { $0.down = newValue } }
        }
        func send(_ invoice: Int) { state.withLock { $0.sent.append(invoice) } }
    }

    /// The handler under test, for PHP's `App\Jobs\SendInvoice` (`public int $invoiceId`): sends the invoice,
    /// or while the mailer is down releases the job for a minute per attempt.
    struct SendInvoice: JobHandler {
        static let phpClass = "App\\Jobs\\SendInvoice"
        let mailer: Mailer

        func handle(_ context: JobContext) async throws {
            guard case .int(let invoice)? = context.property("invoiceId") else {
                throw JobException("InvalidArgumentException", "the job has no invoiceId")
            }
            if mailer.down { return context.release(delay: 60 * context.attempts) }
            mailer.send(invoice)
        }
    }

    /// The job as the Laravel app dispatches it: `SendInvoice::dispatch($id)`.
    private func job(_ invoice: Int, tries: Int? = nil) -> PendingJob {
        var properties = [JobProperty("invoiceId", .public, .int(invoice))]
        if let tries { properties.append(JobProperty("tries", .public, .int(tries))) }
        return PendingJob(className: SendInvoice.phpClass, properties: properties, version: .v12)
    }

    // MARK: The handler alone

    func testTheHandlerSendsTheInvoiceOfTheCommand() async throws {
        let mailer = Mailer()
        let context = try JobContext.testing(job(7))
        try await SendInvoice(mailer: mailer).handle(context)
        XCTAssertEqual(mailer.sent, [7])
        XCTAssertFalse(context.isDeletedOrReleased)
    }

    func testTheHandlerReleasesForLongerOnEachAttemptWhileTheMailerIsDown() async throws {
        let mailer = Mailer()
        mailer.down = true
        let context = try JobContext.testing(job(7), attempts: 3)
        try await SendInvoice(mailer: mailer).handle(context)
        XCTAssertEqual(context.releaseDelay, 180)
        XCTAssertTrue(mailer.sent.isEmpty)
    }

    // MARK: The handler under a worker

    func testAWorkerRunsTheDispatchedJobsAndRetriesTheReleasedOne() async throws {
        let clock = TestClock()
        let queue = InMemoryQueue(clock: { clock.now })
        let failed = InMemoryFailedJobProvider()
        let mailer = Mailer()
        var registry = JobRegistry()
        try registry.register(SendInvoice.phpClass, SendInvoice(mailer: mailer))
        var options = WorkerOptions()
        options.stopWhenEmpty = true
        options.memory = 0  // no --memory limit: the test process is not a lean worker
        let services = WorkerServices(cache: InMemoryCacheStore(clock: { clock.now }), failer: failed)

        try await Dispatcher().dispatch(job(1), on: queue)
        try await Dispatcher().dispatch(job(2), on: queue)
        let exit = await Worker(queue: queue, registry: registry, options: options, services: services).run()
        XCTAssertEqual(exit, .stopped(reason: "queue empty"))
        XCTAssertEqual(mailer.sent, [1, 2])
        let afterFirstRun = try await queue.sizes()
        XCTAssertEqual(afterFirstRun.total, 0, "both done and deleted")

        mailer.down = true
        try await Dispatcher().dispatch(job(3, tries: 2), on: queue)
        _ = await Worker(queue: queue, registry: registry, options: options, services: services).run()
        XCTAssertEqual(queue.delayed().map(\.score), [clock.now + 60], "released for a minute")
        XCTAssertEqual(queue.delayed().map { Payload.attempts(of: $0.member) }, [1], "one attempt spent")

        mailer.down = false
        clock.advance(60)  // no waiting: the queue's clock says the minute has passed
        _ = await Worker(queue: queue, registry: registry, options: options, services: services).run()
        XCTAssertEqual(mailer.sent, [1, 2, 3])
        let rows = try await failed.all()
        XCTAssertTrue(rows.isEmpty)
        let sizes = try await queue.sizes()
        XCTAssertEqual(sizes.total, 0)
    }
}
