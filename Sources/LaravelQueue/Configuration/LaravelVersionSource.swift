import PHPFormats
/// Where the Laravel version Shuttle behaves as came from: `shuttle about` prints it, and an assumed
/// version is worth a warning, since a wrong one means other cache keys (a `queue:restart` never seen).
public enum LaravelVersionSource: Equatable, Sendable, CustomStringConvertible {
    /// `SHUTTLE_LARAVEL_VERSION` (which `--laravel` sets); `origin` as `LaravelEnvironment.origin(of:)` words it.
    case override(variable: String, origin: String)
    /// `laravel/framework` in the app's `composer.lock` (the path).
    case composerLock(String)
    /// `laravel/framework` in the app's `vendor/composer/installed.json` (the path).
    case installedJSON(String)
    /// Nothing said: the default (`LaravelVersion.default`).
    case assumed

    public var description: String {
        switch self {
        case .override(let variable, let origin): "\(variable) (\(origin))"
        case .composerLock(let path): "composer.lock (\(path))"
        case .installedJSON(let path): "installed.json (\(path))"
        case .assumed: "assumed: not configured, no composer.lock or installed.json names it"
        }
    }

    /// A short tag for `about --json`: `override`, `composer.lock`, `installed.json` or `assumed`.
    public var kind: String {
        switch self {
        case .override: "override"
        case .composerLock: "composer.lock"
        case .installedJSON: "installed.json"
        case .assumed: "assumed"
        }
    }

    /// The file read, if the version came from one.
    public var path: String? {
        switch self {
        case .composerLock(let path), .installedJSON(let path): path
        case .override, .assumed: nil
        }
    }
}
