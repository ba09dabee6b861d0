import PHPFormats
/// Reading the version Shuttle works beside: `SHUTTLE_LARAVEL_VERSION` (or `--laravel`), else the app's
/// Composer files, else 12 with a warning — a wrong version watches other cache keys and misses `queue:restart`.
///
/// A bare major means that major's release the fixtures were captured from (12 → 12.26.4, the app's);
/// a minor or patch given explicitly is kept, since payload and property details change inside majors.
extension LaravelVersion {
    public static let supported: ClosedRange<Int> = 8...13
    public static let `default` = LaravelVersion.app
    public static let variable = "SHUTTLE_LARAVEL_VERSION"

    /// The captured release of a major (`.v8` … `.v13`).
    public static func latestCaptured(major: Int) -> LaravelVersion? {
        switch major {
        case 8: .v8
        case 9: .v9
        case 10: .v10
        case 11: .v11
        case 12: .v12
        case 13: .v13
        default: nil
        }
    }

    public init(major: Int) throws(ConfigurationError) {
        guard let version = Self.latestCaptured(major: major) else {
            throw ConfigurationError("Laravel \(major) is not supported (\(Self.supported.lowerBound) – \(Self.supported.upperBound))")
        }
        self = version
    }

    /// The version and where it came from: the variable when set (an empty value counts as unset), else
    /// `laravel/framework` in `appRoot`'s `composer.lock` or `vendor/composer/installed.json`, else `default`
    /// with one warning saying so. `appRoot` nil: no files are read.
    public static func resolve(from env: LaravelEnvironment, appRoot: String?,
                               warnings: inout [String]) throws(ConfigurationError) -> (LaravelVersion, LaravelVersionSource) {
        if let text = env.string(variable), !text.isEmpty {
            return (try LaravelVersion(parsing: text), .override(variable: variable, origin: env.origin(of: variable)))
        }
        if let appRoot, let found = try ComposerInstalledVersions.laravel(appRoot: appRoot, warnings: &warnings) {
            return found
        }
        let looked = appRoot.map { root in
            let dir = root.hasSuffix("/") ? String(root.dropLast()) : root
            return "neither \(dir)/composer.lock nor \(dir)/vendor/composer/installed.json names \(ComposerInstalledVersions.frameworkPackage)"
        } ?? "no app directory to read composer.lock from"
        warnings.append("Laravel version unknown (\(variable) is not set and \(looked)): assuming Laravel \(Self.default.major); set \(variable) (or --laravel) to the app's version, e.g. 10 or 11.45")
        return (.default, .assumed)
    }

    /// Accepts `12`, `12.67`, `v12.3.0`.
    public init(parsing text: String, variable: String = LaravelVersion.variable) throws(ConfigurationError) {
        let digits = text.hasPrefix("v") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard let first = parts.first, let major = first, parts.allSatisfy({ $0 != nil }), parts.count <= 3,
              let captured = Self.latestCaptured(major: major) else {
            throw .invalid(variable, text, "is not a supported Laravel version (\(Self.supported.lowerBound) – \(Self.supported.upperBound))")
        }
        if parts.count == 1 {
            self = captured
        } else {
            self.init(major, parts[1] ?? 0, parts.count > 2 ? (parts[2] ?? 0) : 0)
        }
    }
}
