import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import LaravelQueue
import Logging
import LaravelBus
import LaravelHorizon
import PHPFormats
import ShuttleRuntime
import ShuttleProbe
import ShuttleOperations
import Synchronization

/// Options every command shares: where the Laravel app's configuration comes from.
struct AppOptions: ParsableArguments {
    @Option(name: .long, help: "The Laravel app's .env file (read first; the environment and flags override it).")
    var envFile: String?

    @Option(name: .long, help: "The Laravel version to behave as (8 … 13, or e.g. 12.67). Default: SHUTTLE_LARAVEL_VERSION, else the app's composer.lock, else 12.")
    var laravel: String?

    @Flag(name: [.short, .long], help: "Log debug detail.")
    var verbose = false

    @Option(name: .long, help: "Log lines as text, or as one JSON object per line (for Loki, CloudWatch).")
    var logFormat: LogFormat = .text

    /// Loads `.env` < environment < these flags, resolved with Laravel's defaults.
    func configuration(connection: String? = nil, overrides extra: [String: String] = [:]) throws -> QueueConfiguration {
        var overrides = extra
        if let laravel { overrides[LaravelVersion.variable] = laravel }
        let env = try LaravelEnvironment.load(envFile: envFilePath, overrides: overrides)
        // The app's composer.lock sits beside its .env (the working directory's, by default).
        return try QueueConfiguration.resolve(env, connection: connection, appRoot: appRoot ?? FileManager.default.currentDirectoryPath)
    }

    /// The `.env` read: `--env-file`, else `./.env` when there is one.
    var envFilePath: String? {
        envFile ?? (FileManager.default.fileExists(atPath: ".env") ? ".env" : nil)
    }

    /// The app root: the .env file's directory (relative SQLite paths are taken from there, as Laravel does).
    var appRoot: String? {
        guard let envFile else { return nil }
        return URL(fileURLWithPath: envFile).deletingLastPathComponent().path
    }

    /// A logger at LOG_LEVEL (Laravel's names; the app's .env when given, else the process environment), in
    /// `--log-format`, with the secrets of `environment` (and of the process) redacted from every line.
    func logger(_ label: String = "shuttle", environment: [String: String]? = nil) -> Logger {
        let variables = environment ?? ProcessInfo.processInfo.environment
        ShuttleLogging.bootstrap(format: logFormat,
                                 secrets: SecretRedactor(environment: ProcessInfo.processInfo.environment.merging(variables) { $1 }))
        var logger = Logger(label: label)
        let name = variables["LOG_LEVEL"].flatMap { $0.isEmpty ? nil : $0 }
        let level = name.flatMap(LaravelLogLevel.parse)
        logger.logLevel = verbose ? .debug : (level ?? .info)
        if let name, level == nil {
            logger.warning("LOG_LEVEL is not one of Laravel's levels; using info", metadata: [
                "LOG_LEVEL": "\(name)", "levels": "\(LaravelLogLevel.names.joined(separator: ","))"])
        }
        return logger
    }

    func connect(connection: String? = nil, overrides: [String: String] = [:]) async throws -> QueueApplication {
        let config = try configuration(connection: connection, overrides: overrides)
        let logger = logger(environment: config.environment.variables)
        for warning in config.warnings { logger.warning("\(warning)") }
        logger.debug("behaving as Laravel \(config.version)", metadata: ["from": "\(config.versionSource)"])
        // `make run` sets SHUTTLE_EMBEDDED_DATABASE: its SQLite file is Shuttle's own, so Shuttle makes its tables.
        let embedded = config.environment["SHUTTLE_EMBEDDED_DATABASE"].map { ["1", "true"].contains($0.lowercased()) } ?? false
        return try await QueueApplication.connect(config, appRoot: appRoot, embeddedDatabase: embedded, logger: logger)
    }
}

/// Logs go to stderr, unbuffered: piped stdout is buffered and a crash would lose it. swift-log allows one
/// bootstrap; the format is the first caller's, the secrets to redact the latest known (a handler takes them
/// when its logger is made).
enum ShuttleLogging {
    private static let settings = Mutex<(format: LogFormat, secrets: SecretRedactor, fixed: Bool)>((.text, SecretRedactor(secrets: []), false))
    private static let once: Void = {
        LoggingSystem.bootstrap { label in
            let (format, secrets) = settings.withLock { ($0.format, $0.secrets) }
            return ShuttleLogHandler(label: label, format: format, level: .info, redactor: secrets)
        }
    }()
    static func bootstrap(format: LogFormat = .text, secrets: SecretRedactor) {
        settings.withLock { s in
            s.secrets = SecretRedactor(secrets: s.secrets.secrets + secrets.secrets)
            if !s.fixed { s.format = format }
            s.fixed = true
        }
        _ = once
    }
}

extension LogFormat: ExpressibleByArgument {}

/// One-line errors, exit 1: what went wrong, never a stack of context.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
