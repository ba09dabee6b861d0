import CCurl

/// One libcurl easy handle, owned by one transfer thread for its whole life. Between requests the handle is
/// reset but keeps its connection cache, DNS cache and TLS sessions: the next request to the same host reuses
/// the kept-alive connection.
final class CurlEasy {
    private let curl: ShuttleCurl
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Loads libcurl the first time (throws when it cannot be loaded, or makes no handle).
    init() throws(HTTPClientError) {
        curl = try LibCurl.load()
        guard let handle = curl.curl_easy_init() else {
            throw HTTPClientError(kind: .transport, message: "libcurl could not make a handle")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl.curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Runs `request` to completion on the calling thread (blocking: only ever on a transfer thread).
    func perform(_ request: HTTPRequest, configuration: HTTPClientConfiguration,
                 cancellation: CancellationFlag) throws -> HTTPResponse {
        let scheme = request.url.prefix(8).lowercased()
        guard scheme.hasPrefix("http://") || scheme.hasPrefix("https://") else {
            throw failure(request, .invalidURL, "not an absolute http(s) URL")
        }
        let collector = ResponseCollector(limit: configuration.maxResponseBytes, isHead: request.method == .head,
                                          cancellation: cancellation)
        let headers = try headerList(request)
        defer { curl.curl_slist_free_all(headers) }

        curl.curl_easy_reset(handle)
        errorBuffer[0] = 0
        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        // Verification is on by default in libcurl; said again so no reset or build default can change it.
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = configuration.caFile { try set(CURLOPT_CAINFO, caFile) }
        try set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds)
        try set(CURLOPT_TIMEOUT_MS, configuration.timeout.curlMilliseconds)
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_USERAGENT, configuration.userAgent)
        try set(CURLOPT_HTTPHEADER, pointer: headers)
        try check(shuttle_curl_setopt_write_function(curl, handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue().receiveBody(data, size * count)
        })
        try check(shuttle_curl_setopt_write_function(curl, handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue().receiveHeader(data, size * count)
        })
        try check(shuttle_curl_setopt_xferinfo_function(curl, handle, CURLOPT_XFERINFOFUNCTION) { context, _, _, _, _ in
            Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue().cancellation.isCancelled ? 1 : 0
        })
        try set(CURLOPT_NOPROGRESS, 0)

        let code: CURLcode = try withExtendedLifetime(collector) {
            let context = Unmanaged.passUnretained(collector).toOpaque()
            try set(CURLOPT_WRITEDATA, pointer: context)
            try set(CURLOPT_HEADERDATA, pointer: context)
            try set(CURLOPT_XFERINFODATA, pointer: context)
            // A body goes by pointer (no copy), so it must outlive the transfer: perform inside the closure.
            let body = request.body.isEmpty ? [0] : request.body
            return try body.withUnsafeBytes { bytes in
                switch request.method {
                case .head:
                    try set(CURLOPT_NOBODY, 1)
                case .get where request.body.isEmpty, .delete where request.body.isEmpty:
                    try set(CURLOPT_HTTPGET, 1)
                    if request.method != .get { try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue) }
                default:
                    try set(CURLOPT_POST, 1)
                    try check(shuttle_curl_setopt_off(curl, handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                    try set(CURLOPT_POSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: bytes.baseAddress!))
                    if request.method != .post { try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue) }
                }
                let code = curl.curl_easy_perform(handle)
                try set(CURLOPT_POSTFIELDS, pointer: nil)
                try set(CURLOPT_HTTPHEADER, pointer: nil)
                return code
            }
        }
        guard code == CURLE_OK else { throw error(for: code, request, collector, configuration) }
        var status = 0
        try check(shuttle_curl_getinfo_long(curl, handle, CURLINFO_RESPONSE_CODE, &status))
        return HTTPResponse(status: status, headers: collector.headers, body: collector.body)
    }

    /// The request's headers as libcurl takes them, plus empty `Expect:` and `Content-Type:` entries, which
    /// stop libcurl adding its own (`100-continue` waits, a form content type) when the caller gave none.
    private func headerList(_ request: HTTPRequest) throws -> UnsafeMutablePointer<curl_slist>? {
        var lines: [String] = []
        for (name, value) in request.headers {
            guard !name.isEmpty, !name.contains(where: { $0 == ":" || $0.isNewline || $0 == " " }),
                  !value.contains(where: \.isNewline) else {
                throw failure(request, .transport, "header name or value not allowed (\(name.isEmpty ? "empty name" : "header \(name)"))")
            }
            // "Name;" is libcurl's way of sending a header with an empty value ("Name:" would remove it).
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        if !request.headers.contains(name: "Expect") { lines.append("Expect:") }
        if !request.headers.contains(name: "Content-Type") { lines.append("Content-Type:") }
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = curl.curl_slist_append(list, line) else {
                curl.curl_slist_free_all(list)
                throw failure(request, .transport, "out of memory for the request's headers")
            }
            list = appended
        }
        return list
    }

    private func error(for code: CURLcode, _ request: HTTPRequest, _ collector: ResponseCollector,
                       _ configuration: HTTPClientConfiguration) -> any Error {
        if collector.tooLarge {
            return failure(request, .responseTooLarge,
                           "response body over the \(configuration.maxResponseBytes)-byte limit (maxResponseBytes); transfer stopped")
        }
        if code == CURLE_ABORTED_BY_CALLBACK && collector.cancellation.isCancelled { return CancellationError() }
        let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : LibCurl.describe(code, curl)
        let kind: HTTPClientError.Kind
        let what: String
        switch code {
        case CURLE_URL_MALFORMAT:
            (kind, what) = (.invalidURL, "invalid URL")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT:
            (kind, what) = (.connect, "could not connect")
        case CURLE_OPERATION_TIMEDOUT:
            (kind, what) = (.timeout, "timed out (connect \(configuration.connectTimeout), total \(configuration.timeout))")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
             CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_USE_SSL_FAILED:
            (kind, what) = (.tls, "TLS failed")
        default:
            (kind, what) = (.transport, "transfer failed")
        }
        return failure(request, kind, "\(what): \(URLRedaction.scrub(detail, of: request.url))")
    }

    private func failure(_ request: HTTPRequest, _ kind: HTTPClientError.Kind, _ text: String) -> HTTPClientError {
        HTTPClientError(kind: kind, message: "\(request.method.rawValue) \(URLRedaction.redact(request.url)): \(text)")
    }

    private func set(_ option: CURLoption, _ value: Int) throws {
        try check(shuttle_curl_setopt_long(curl, handle, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws {
        try check(shuttle_curl_setopt_string(curl, handle, option, value))
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws {
        try check(shuttle_curl_setopt_pointer(curl, handle, option, pointer))
    }

    private func set<T>(_ option: CURLoption, pointer: UnsafeMutablePointer<T>?) throws {
        try check(shuttle_curl_setopt_pointer(curl, handle, option, UnsafeMutableRawPointer(pointer)))
    }

    /// An option libcurl refuses is a bug in this file or a libcurl built without it: say which.
    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else {
            throw HTTPClientError(kind: .transport, message: "libcurl refused an option: \(LibCurl.describe(code, curl))")
        }
    }
}
