/// One request waiting for, or running on, a transfer thread; its awaiting task resumes from that thread.
final class Transfer: Sendable {
    let request: HTTPRequest
    private let configuration: HTTPClientConfiguration
    private let cancellation: CancellationFlag
    private let continuation: CheckedContinuation<HTTPResponse, any Error>

    init(request: HTTPRequest, configuration: HTTPClientConfiguration, cancellation: CancellationFlag,
         continuation: CheckedContinuation<HTTPResponse, any Error>) {
        self.request = request
        self.configuration = configuration
        self.cancellation = cancellation
        self.continuation = continuation
    }

    /// Performs the request with `easy` (or fails with why there is none: libcurl not loaded, no handle) and
    /// resumes the caller.
    func run(on easy: Result<CurlEasy, HTTPClientError>) {
        if cancellation.isCancelled {
            continuation.resume(throwing: CancellationError())
            return
        }
        switch easy {
        case .failure(let error):
            continuation.resume(throwing: HTTPClientError(
                kind: error.kind, message: "\(request.method.rawValue) \(URLRedaction.redact(request.url)): \(error.message)"))
        case .success(let easy):
            continuation.resume(with: Result { try easy.perform(request, configuration: configuration, cancellation: cancellation) })
        }
    }
}
