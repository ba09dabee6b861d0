#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import PHPFormats

/// The variables a Laravel app's config would see, merged the way Shuttle defines precedence:
/// the app's `.env` file < the process environment < explicit overrides (CLI flags).
///
/// The first two layers are exactly Laravel's (its repository is immutable, so the process environment
/// wins). Overrides are Shuttle's own top layer; `${NAME}` references inside `.env` do not see them,
/// because PHP would not either.
public struct LaravelEnvironment: Sendable {
    /// Where a variable's value came from, for messages that tell the operator what to edit.
    public enum Source: Equatable, Sendable {
        case file(String)
        case process
        case override
    }

    public private(set) var variables: [String: String] = [:]
    public private(set) var sources: [String: Source] = [:]

    public init(file: [String: String] = [:], fileName: String = ".env", process: [String: String] = [:], overrides: [String: String] = [:]) {
        for (layer, source) in [(file, Source.file(fileName)), (process, .process), (overrides, .override)] {
            for (name, value) in layer {
                variables[name] = value
                sources[name] = source
            }
        }
    }

    /// Loads `envFile` (if any) against `process`, then layers `overrides` on top.
    public static func load(
        envFile: String?,
        process: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String: String] = [:]
    ) throws(DotEnvError) -> LaravelEnvironment {
        let file = try envFile.map { path throws(DotEnvError) in try DotEnv.load(path: path, environment: process) } ?? [:]
        return LaravelEnvironment(file: file, fileName: envFile ?? ".env", process: process, overrides: overrides)
    }

    /// The raw string, before `env()` casting; `nil` when the variable is not defined anywhere.
    public subscript(name: String) -> String? { variables[name] }

    /// `env(name)`: the cast value, or `nil` when the variable is not defined.
    public func value(_ name: String) -> EnvValue? {
        variables[name].map(EnvValue.init(casting:))
    }

    /// `(string) env(name, default)`. A defined variable wins even when empty (`REDIS_PREFIX=` means no
    /// prefix); `null` gives `nil`, as the PHP config would hold `null`.
    public func string(_ name: String, default defaultValue: String? = nil) -> String? {
        switch value(name) {
        case nil: defaultValue
        case .null: nil
        case let cast?: cast.phpString
        }
    }

    /// A flag: `true`/`false` (and `(true)`…), `1`/`0`, `yes`/`no`, `on`/`off`; anything else is an error.
    public func bool(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let raw = variables[name] else { return defaultValue }
        switch EnvValue(casting: raw) {
        case .bool(let flag): return flag
        case .null: return defaultValue
        case .string(let text):
            switch text.lowercased() {
            case "1", "yes", "on": return true
            case "0", "no", "off", "": return false
            default: throw .invalid(name, raw, "is not a boolean (use true or false)")
            }
        }
    }

    /// A whole number in `range`; absent, `null` or empty gives `defaultValue`.
    public func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max, what: String = "a whole number") throws(ConfigurationError) -> Int {
        guard let raw = variables[name] else { return defaultValue }
        let text = EnvValue(casting: raw).phpString
        if text.isEmpty { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw .invalid(name, raw, "is not \(what)")
        }
        return number
    }

    /// A TCP port (0 – 65535).
    public func port(_ name: String, default defaultValue: Int) throws(ConfigurationError) -> Int {
        try integer(name, default: defaultValue, in: 0...65535, what: "a port number")
    }

    /// A non-negative number of seconds, fractions allowed; absent, `null` or empty gives `defaultValue`.
    public func seconds(_ name: String, default defaultValue: Double?) throws(ConfigurationError) -> Double? {
        guard let raw = variables[name] else { return defaultValue }
        if value(name) == .null { return nil }
        let text = EnvValue(casting: raw).phpString
        if text.isEmpty { return defaultValue }
        guard let number = Double(text), number.isFinite, number >= 0 else {
            throw .invalid(name, raw, "is not a number of seconds")
        }
        return number
    }

    /// `explode(',', env(name, ''))` without empty items (Laravel's `array_filter`).
    public func list(_ name: String) -> [String] {
        (string(name) ?? "").split(separator: ",", omittingEmptySubsequences: true).map(String.init)
    }

    /// All variables whose name starts with `prefix` (raw strings), e.g. `DB_` for the database layer.
    public func variables(withPrefix prefix: String) -> [String: String] {
        variables.filter { $0.key.hasPrefix(prefix) }
    }

    /// Describes where `name` was set, e.g. `(from /app/.env)`, for error messages.
    public func origin(of name: String) -> String {
        switch sources[name] {
        case .file(let path)?: "from \(path)"
        case .process?: "from the process environment"
        case .override?: "from the command line"
        case nil: "not set"
        }
    }
}
