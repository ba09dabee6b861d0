/// Sends HTTP(S) requests through libcurl, each on a dedicated thread (never Swift's cooperative pool, whose
/// few threads one blocking transfer would stall), reusing kept-alive connections per host. TLS verification is
/// always on; redirects are not followed (a 3xx is returned as it is, as integrations calling JSON APIs want).
///
/// Why libcurl: it is the HTTP stack PHP's Guzzle itself runs on, so limits and TLS behave as in the PHP app.
/// Not URLSession: on Linux it lives in FoundationNetworking, which pulls in all of Foundation and ICU (Shuttle's
/// sources import FoundationEssentials only, a memory goal) and is itself a wrapper over libcurl. Not
/// AsyncHTTPClient: the swift-nio family costs minutes of CI build per package and runs one more event loop
/// beside the worker's own threads.
public final class HTTPClient: HTTPTransport {
    public let configuration: HTTPClientConfiguration
    private let threads: TransferThreads

    public convenience init(configuration: HTTPClientConfiguration = .init()) {
        self.init(configuration: configuration, closed: false)
    }

    /// `closed`: a client that refuses every request, for one asked for after its owner shut down.
    package init(configuration: HTTPClientConfiguration, closed: Bool) {
        precondition(configuration.maxConnections >= 1, "an HTTP client needs at least one connection")
        precondition(configuration.maxResponseBytes >= 0, "maxResponseBytes cannot be negative")
        self.configuration = configuration
        threads = TransferThreads(limit: configuration.maxConnections, closed: closed)
    }

    deinit {
        threads.closeEventually()
    }

    /// The response, whatever its status; throws `HTTPClientError` when there is none, `CancellationError` when
    /// the calling task is cancelled (a running transfer is aborted within about a second).
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let transfer = Transfer(request: request, configuration: configuration, cancellation: cancellation,
                                        continuation: continuation)
                if !threads.submit(transfer) {
                    continuation.resume(throwing: HTTPClientError(
                        kind: .closed,
                        message: "\(request.method.rawValue) \(URLRedaction.redact(request.url)): the HTTP client is shut down"))
                }
            }
        } onCancel: {
            cancellation.cancel()
        }
    }

    /// Refuses new requests (`.closed`), waits for those queued and in flight, then frees every handle and its
    /// connections. Calling it again waits the same way.
    public func shutdown() async {
        await threads.close()
    }
}
