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

    /// Performs the request with `easy` (nil: libcurl could not make a handle) and resumes the caller.
    func run(on easy: CurlEasy?) {
        if cancellation.isCancelled {
            continuation.resume(throwing: CancellationError())
            return
        }
        guard let easy else {
            continuation.resume(throwing: HTTPClientError(
                kind: .transport, message: "\(request.method.rawValue) \(URLRedaction.redact(request.url)): libcurl could not make a handle"))
            return
        }
        continuation.resume(with: Result { try easy.perform(request, configuration: configuration, cancellation: cancellation) })
    }
}
