import PHPFormats
/// How the skeleton builds default key prefixes from `APP_NAME` (`SHUTTLE_PREFIX_STYLE`).
///
/// The style follows the app's *skeleton* (its published config files), not the framework version: apps
/// created from `laravel/laravel` v12.1.0 or later, and Laravel 13's own fallback config, use `hyphen`
/// (`laravel-database-`, `laravel-cache-`); older skeletons and the v11/v12 fallback use `underscore`
/// (`laravel_database_`, `laravel_cache_`). Look for `-database-` in the app's `config/database.php`,
/// or set `REDIS_PREFIX` / `CACHE_PREFIX` explicitly.
public enum PrefixStyle: String, Sendable, CaseIterable {
    case underscore
    case hyphen

    public static let variable = "SHUTTLE_PREFIX_STYLE"

    public static func `default`(for version: LaravelVersion) -> PrefixStyle {
        version.major >= 13 ? .hyphen : .underscore
    }

    /// `Str::slug(APP_NAME, '_').'_database_'` or `Str::slug(APP_NAME).'-database-'`.
    public func redisPrefix(appName: String) -> String {
        switch self {
        case .underscore: LaravelStr.slug(appName, separator: "_") + "_database_"
        case .hyphen: LaravelStr.slug(appName) + "-database-"
        }
    }

    /// The cache prefix; Laravel 8's skeleton had no trailing underscore (`laravel_cache`).
    public func cachePrefix(appName: String, version: LaravelVersion) -> String {
        switch self {
        case .underscore: LaravelStr.slug(appName, separator: "_") + (version.major == 8 ? "_cache" : "_cache_")
        case .hyphen: LaravelStr.slug(appName) + "-cache-"
        }
    }
}
