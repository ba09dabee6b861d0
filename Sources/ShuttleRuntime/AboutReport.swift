import Database
import LaravelQueue
import PHPFormats
import Redis

/// `shuttle about`, as `php artisan about` shows an app: what Shuttle resolved from the app's configuration —
/// the Laravel version and where it came from, the connections, the exact queue and cache keys it reads —
/// so an operator can see at a glance whether it and PHP share the same keys. Secrets are never shown:
/// passwords and keys are "set" or "none".
///
/// Built from configuration alone; what needs a connection (is Redis reachable, which job classes the
/// handlers register) is handed in, so the report still says everything else when Redis is down.
public struct AboutReport: Sendable {
    /// One labelled value; a list shows one element per line.
    public struct Line: Sendable, Equatable {
        public let label: String
        public let values: [String]
    }

    /// A titled group of lines, and the same facts as JSON (`about --json`), under `key`.
    public struct Section: Sendable {
        public let title: String
        public let key: String
        public fileprivate(set) var lines: [Line] = []
        public fileprivate(set) var json = JSONObject()

        /// Adds a fact: `text` for people (default: `value` as text), `value` for JSON.
        fileprivate mutating func add(_ label: String, _ key: String, _ value: JSONValue, text: [String]? = nil) {
            lines.append(Line(label: label, values: text ?? Self.text(value)))
            json[key] = value
        }

        static func text(_ value: JSONValue) -> [String] {
            switch value {
            case .null: return ["none"]
            case .bool(let flag): return [flag ? "yes" : "no"]
            case .number(let number): return [number.text]
            case .string: return [value.stringValue ?? ""]
            case .array(let elements): return elements.isEmpty ? ["none"] : elements.flatMap(text)
            case .object(let object): return object.members.map { "\($0.key): \(text($0.value).joined(separator: ", "))" }
            }
        }
    }

    /// Whether a Redis connection answered, as the command found out.
    public enum Reachability: Sendable, Equatable {
        case reachable
        case unreachable(String)
        case unchecked

        var text: String {
            switch self {
            case .reachable: "reachable"
            case .unreachable(let reason): "unreachable: \(reason)"
            case .unchecked: "not checked"
            }
        }
    }

    /// The job classes Shuttle runs natively, or why they could not be listed.
    public enum JobClasses: Sendable, Equatable {
        case registered([String])
        case unknown(String)
    }

    public private(set) var sections: [Section] = []

    /// The app's Redis connections by role (`queue`, `cache`, `cache locks`, `horizon`): each one Shuttle
    /// opens, once (a role sharing the queue's connection is not repeated).
    public static func redisConnections(_ c: QueueConfiguration) -> [(role: String, connection: RedisConnectionConfiguration)] {
        var list = [(role: "queue", connection: c.redis)]
        if c.cache.store == "redis" {
            list.append((role: "cache", connection: c.cache.redisConnection))
            if c.cache.redisLockConnection != c.redis {
                list.append((role: "cache locks", connection: c.cache.redisLockConnection))
            }
        }
        if let horizon = c.horizon { list.append((role: "horizon", connection: horizon.connection)) }
        return list
    }

    /// Connects to each of `redisConnections` once (connect, AUTH, SELECT), giving up after `timeout`.
    public static func reachability(_ c: QueueConfiguration, timeout: Duration = .seconds(2)) async -> [String: Reachability] {
        var result: [String: Reachability] = [:]
        for (role, connection) in redisConnections(c) {
            if connection.tls {
                result[role] = .unreachable("TLS (rediss://) is not supported by Debian's hiredis 0.14")
                continue
            }
            var configuration = QueueApplication.redisConfiguration(connection)
            configuration.connectTimeout = timeout
            do {
                let redis = try await RedisConnection(configuration: configuration)
                redis.close()
                result[role] = .reachable
            } catch {
                result[role] = .unreachable("\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))
            }
        }
        return result
    }

    /// - Parameters:
    ///   - envFile: the `.env` read, if any; `appRoot`: the directory the worker takes relative paths from.
    ///   - queues: the queues whose keys to show (default: the connection's queue).
    ///   - redis: each role's reachability (`redisConnections`); a role missing is `unchecked`.
    public init(configuration c: QueueConfiguration, shuttleVersion: String, envFile: String?, appRoot: String?,
                queues: [String]? = nil, redis: [String: Reachability] = [:], jobClasses: JobClasses) {
        var shuttle = Section(title: "Shuttle", key: "shuttle")
        shuttle.add("Version", "version", .string(shuttleVersion))
        shuttle.add("Laravel Version", "laravel_version", .string(c.version.description))
        shuttle.add("Laravel Version Source", "laravel_version_source", Self.json(c.versionSource), text: [c.versionSource.description])
        shuttle.add(".env File", "env_file", .string(envFile), text: [envFile ?? "none (the environment only)"])
        shuttle.add("Application Name", "application_name", .string(c.app.name))
        shuttle.add("Environment", "environment", .string(c.environment.string("APP_ENV", default: "production")))
        shuttle.add("Encryption Key", "encryption_key", .string(c.app.key == nil ? "none" : "set"))
        sections.append(shuttle)

        let watched = queues ?? [c.queue]
        var queue = Section(title: "Queue", key: "queue")
        queue.add("Connection", "connection", .string(c.connectionName))
        queue.add("Default Queue", "default_queue", .string(c.queue))
        queue.add("Retry After", "retry_after", .int(c.retryAfter), text: ["\(c.retryAfter) s"])
        let blockFor: JSONNumber? = c.blockFor.flatMap { JSONNumber($0) }
        queue.add("Block For", "block_for", blockFor.map { .number($0) } ?? .null,
                  text: [blockFor.map { "\($0.text) s" } ?? "none (never blocks)"])
        // The keys as Redis holds them: the connection's prefix on the queue's four keys.
        var keys = JSONObject()
        for name in watched {
            let k = QueueKeys(queue: name)
            let full = [k.ready, k.reserved, k.delayed, k.notify].map { c.redis.prefix + $0 }
            keys[name] = .array(full.map { .string($0) })
            queue.lines.append(Line(label: "Keys of [\(name)] (Redis db \(c.redis.database))", values: full))
        }
        queue.json["keys"] = .object(keys)
        sections.append(queue)

        for (role, connection) in Self.redisConnections(c) {
            var section = Section(title: "Redis: \(role) (\(connection.name))", key: "redis_" + role.replacingSpaces())
            section.add("Host", "host", .string(connection.host))
            section.add("Port", "port", .int(connection.port))
            section.add("Database", "database", .int(connection.database))
            section.add("Prefix", "prefix", .string(connection.prefix), text: [connection.prefix.isEmpty ? "none" : connection.prefix])
            section.add("Username", "username", .string(connection.username))
            section.add("Password", "password", .string(connection.password == nil ? "none" : "set"))
            if connection.tls { section.add("TLS", "tls", .bool(true)) }
            section.add("Status", "status", .string((redis[role] ?? .unchecked).text))
            sections.append(section)
        }

        sections.append(Self.database(c, appRoot: appRoot))
        sections.append(Self.cache(c, appRoot: appRoot, queues: watched))

        var horizon = Section(title: "Horizon", key: "horizon")
        horizon.add("Enabled", "enabled", .bool(c.horizon != nil), text: [c.horizon == nil ? "off" : "on"])
        horizon.add("Prefix", "prefix", .string(c.horizon?.prefix))
        sections.append(horizon)

        var jobs = Section(title: "Jobs", key: "jobs")
        switch jobClasses {
        case .registered(let classes):
            jobs.add("Runs Natively", "classes", .array(classes.map { .string($0) }))
        case .unknown(let reason):
            jobs.add("Runs Natively", "classes", .null, text: ["unknown: \(reason)"])
        }
        sections.append(jobs)
    }

    // MARK: Sections

    static func json(_ source: LaravelVersionSource) -> JSONValue {
        var object = JSONObject(["kind": .string(source.kind)])
        switch source {
        case .override(let variable, let origin):
            object["variable"] = .string(variable)
            object["origin"] = .string(origin)
        case .composerLock(let path), .installedJSON(let path):
            object["path"] = .string(path)
        case .assumed:
            break
        }
        return .object(object)
    }

    /// Where `failed_jobs`, `job_batches` and the database cache live; the password only as set or none.
    static func database(_ c: QueueConfiguration, appRoot: String?) -> Section {
        var section = Section(title: "Database", key: "database")
        section.add("Connection", "connection", .string(c.environment.string("DB_CONNECTION", default: "sqlite")))
        do {
            switch try DatabaseConfiguration.fromEnvironment(c.environment.variables, appRoot: appRoot).driver {
            case .sqlite(let path):
                section.add("Driver", "driver", .string("sqlite"))
                section.add("Database", "database", .string(path))
            case .postgres(let pg):
                section.add("Driver", "driver", .string("pgsql"))
                section.add("Host", "host", .string(pg.host))
                section.add("Port", "port", .int(pg.port))
                section.add("Database", "database", .string(pg.database))
                section.add("Username", "username", .string(pg.username))
                section.add("Password", "password", .string(pg.password.map { $0.isEmpty ? "none" : "set" } ?? "none"))
            }
        } catch {
            section.add("Driver", "driver", .null, text: ["unusable: \(error)"])
        }
        section.add("Failed Jobs", "failed_jobs", .string(c.failedJobs.driver == "null" ? nil : c.failedJobs.table),
                    text: [c.failedJobs.driver == "null" ? "not stored (QUEUE_FAILED_DRIVER=null)" : "\(c.failedJobs.table) (\(c.failedJobs.driver))"])
        return section
    }

    /// The default cache store and the exact keys `queue:restart` and `queue:pause` leave there, as the
    /// store writes them: with the Redis connection's and the store's prefixes, the table's key column, or
    /// the file `FileStore` hashes the key to.
    static func cache(_ c: QueueConfiguration, appRoot: String?, queues: [String]) -> Section {
        var section = Section(title: "Cache", key: "cache")
        section.add("Store", "store", .string(c.cache.store))
        section.add("Prefix", "prefix", .string(c.cache.prefix), text: [c.cache.prefix.isEmpty ? "none" : c.cache.prefix])
        let stored: (String) -> String?
        switch c.cache.store {
        case "redis":
            section.add("Where", "location", .string("Redis db \(c.cache.redisConnection.database) (\(c.cache.redisConnection.name) connection)"))
            stored = { c.cache.redisKey($0) }
        case "database":
            section.add("Where", "location", .string("table \(c.cache.databaseTable)" + (c.cache.databaseConnection.map { " on \($0)" } ?? "")))
            stored = { c.cache.databaseKey($0) }
        case "file":
            let files = FileCacheStore(directory: c.cache.fileCacheDirectory(appRoot: appRoot))
            section.add("Where", "location", .string(files.directory))
            stored = { files.path(for: $0) }
        default:
            section.add("Where", "location", .null, text: ["not shared with PHP: queue:restart and queue:pause do not reach Shuttle"])
            stored = { _ in nil }
        }
        section.add("Restart Key", "restart_key", .string(stored(QueueSignalKeys.restart)),
                    text: [stored(QueueSignalKeys.restart) ?? "none"])
        let pauseKeys = QueueSignalKeys.pause(version: c.version, connection: c.connectionName, queues: queues)
        if pauseKeys.isEmpty {
            section.add("Pause Keys", "pause_keys", .array([]), text: ["none (queue:pause is Laravel 12.40+)"])
        } else {
            section.add("Pause Keys", "pause_keys", .array(pauseKeys.map { .string(stored($0)) }),
                        text: pauseKeys.map { stored($0) ?? "none" })
        }
        return section
    }

    // MARK: Rendering

    /// Aligned text like artisan's: a title per section, then `label ..... value`, values right-aligned.
    public func text(width: Int = 100) -> String {
        var out: [String] = []
        for section in sections {
            out.append("")
            out.append("  " + section.title + " " + String(repeating: ".", count: max(2, width - 5 - section.title.count)))
            for line in section.lines {
                for (index, value) in line.values.enumerated() {
                    if index == 0 {
                        let dots = max(2, width - 6 - line.label.count - value.count)
                        out.append("  " + line.label + " " + String(repeating: ".", count: dots) + " " + value)
                    } else {
                        out.append(String(repeating: " ", count: max(4, width - 2 - value.count)) + value)
                    }
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `about --json`: `{"shuttle": {...}, "queue": {...}, ...}`.
    public var json: JSONValue {
        .object(JSONObject(sections.map { JSONObject.Member(key: $0.key, value: .object($0.json)) }))
    }
}

private extension String {
    func replacingSpaces() -> String { String(map { $0 == " " ? "_" : $0 }) }
}
