import PHPFormats
/// The `config/app.php` values the worker needs: the encryption keys (encrypted jobs, §5.8), the name
/// (default prefixes) and the timezone (timestamps written for failed jobs).
public struct AppConfiguration: Equatable, Sendable {
    /// `APP_NAME`, default `Laravel`.
    public var name: String
    /// `APP_KEY` as written (`base64:…` or raw); `nil` when unset.
    public var key: String?
    /// `APP_PREVIOUS_KEYS` (Laravel 11+), comma-separated.
    public var previousKeys: [String]
    /// `app.cipher`: hard-coded `AES-256-CBC` in the skeleton; `APP_CIPHER` lets an edited config be mirrored.
    public var cipher: String
    /// `app.timezone`: `APP_TIMEZONE` (read by Laravel 11's config; honoured for every version) or `UTC`.
    public var timezone: String

    public static let supportedCiphers = ["aes-128-cbc", "aes-256-cbc", "aes-128-gcm", "aes-256-gcm"]

    static func resolve(from env: LaravelEnvironment, version: LaravelVersion) throws(ConfigurationError) -> AppConfiguration {
        let cipher = env.string("APP_CIPHER", default: "AES-256-CBC") ?? ""
        guard supportedCiphers.contains(cipher.lowercased()) else {
            throw .invalid("APP_CIPHER", cipher, "is not a cipher Laravel supports (AES-128-CBC, AES-256-CBC, AES-128-GCM, AES-256-GCM)")
        }
        let timezone = env.string("APP_TIMEZONE", default: "UTC") ?? ""
        return AppConfiguration(
            name: env.string("APP_NAME", default: "Laravel") ?? "",
            key: env.string("APP_KEY").flatMap { $0.isEmpty ? nil : $0 },
            previousKeys: version.major >= 11 ? env.list("APP_PREVIOUS_KEYS") : [],
            cipher: cipher,
            timezone: timezone.isEmpty ? "UTC" : timezone
        )
    }
}
