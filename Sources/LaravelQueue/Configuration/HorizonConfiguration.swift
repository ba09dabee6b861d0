import PHPFormats
/// Horizon's Redis connection (§8.1): a copy of the `default` connection (`horizon.use`) whose prefix is
/// replaced by `horizon.prefix`. Shuttle keeps Horizon's per-job records only when this is enabled.
public struct HorizonConfiguration: Equatable, Sendable {
    /// `HORIZON_PREFIX`, else `slug(APP_NAME, '_').'_horizon:'`; an empty value becomes `horizon:`.
    public var prefix: String
    public var connection: RedisConnectionConfiguration

    /// Enabled by `SHUTTLE_HORIZON=true`, or by `HORIZON_PREFIX` being set (unless `SHUTTLE_HORIZON=false`).
    static func resolve(from env: LaravelEnvironment, appName: String, defaultConnection: RedisConnectionConfiguration) throws(ConfigurationError) -> HorizonConfiguration? {
        guard try env.bool("SHUTTLE_HORIZON", default: env["HORIZON_PREFIX"] != nil) else { return nil }
        var prefix = env.string("HORIZON_PREFIX", default: LaravelStr.slug(appName, separator: "_") + "_horizon:") ?? ""
        if prefix.isEmpty { prefix = "horizon:" }
        var connection = defaultConnection
        connection.name = "horizon"
        connection.prefix = prefix
        return HorizonConfiguration(prefix: prefix, connection: connection)
    }
}
