import CCurl

/// libcurl, loaded (dlopen) and globally initialized on the first HTTP request, not at start: see
/// Sources/CCurl/shim.h for why it is not linked (idle memory: a worker that never calls HTTP maps none of
/// libcurl's ~28 dependencies). `curl_global_init` is not thread-safe; a Swift static runs its initializer
/// exactly once. Never cleaned up: handles may live until exit.
package enum LibCurl {
    private static let loaded: Result<ShuttleCurl, HTTPClientError> = load(soname: nil)

    /// The functions, or the error saying why libcurl (the `libcurl4` package) could not be loaded.
    static func load() throws(HTTPClientError) -> ShuttleCurl {
        try loaded.get()
    }

    /// The error loading `soname` gives (nil: it loaded and initialized): a test's view of a missing libcurl,
    /// which this process's own `load()` cannot show.
    package static func loadError(soname: String) -> HTTPClientError? {
        if case .failure(let error) = load(soname: soname) { return error }
        return nil
    }

    /// Loads `soname` (nil: libcurl 4) and initializes it. Uncached: `load()` is the one to call.
    private static func load(soname: String?) -> Result<ShuttleCurl, HTTPClientError> {
        var error: UnsafePointer<CChar>?
        let api = soname.map { name in name.withCString { shuttle_curl_load($0, &error) } } ?? shuttle_curl_load(nil, &error)
        if let error {
            return .failure(HTTPClientError(
                kind: .transport,
                message: "libcurl could not be loaded (\(String(cString: error))); install the libcurl4 package"))
        }
        let code = api.curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        guard code == CURLE_OK else {
            return .failure(HTTPClientError(
                kind: .transport, message: "libcurl's global initialization failed: \(describe(code, api))"))
        }
        return .success(api)
    }

    /// libcurl's text for `code`.
    static func describe(_ code: CURLcode, _ api: ShuttleCurl) -> String {
        api.curl_easy_strerror(code).map { String(cString: $0) } ?? "CURLcode \(code.rawValue)"
    }
}
