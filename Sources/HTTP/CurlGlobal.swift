import CCurl

/// `curl_global_init`, once per process and before any handle exists (it is not thread-safe itself;
/// a Swift static runs its initializer exactly once). Never cleaned up: handles may live until exit.
enum CurlGlobal {
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func initialize() {
        precondition(initialized, "libcurl's global initialization failed")
    }
}
