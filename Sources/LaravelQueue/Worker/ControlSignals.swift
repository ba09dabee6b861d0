import Logging
import PHPFormats
import PHPSerialization
import Synchronization

/// Laravel's control signals, read as `queue:work` reads them: the restart marker `queue:restart` leaves in
/// the cache store, the queues `queue:pause` paused (12.40+; the global key 13.25+), and maintenance mode
/// (`artisan down` on this host, unless `--force`).
final class ControlSignals: Sendable {
    static let restartKey = QueueSignalKeys.restart

    private let services: WorkerServices
    private let connectionName: String
    private let queues: [String]
    private let force: Bool
    /// The restart marker at start; `wasDown` for logging the transitions of maintenance mode once.
    private let state = Mutex<(marker: PHPValue?, wasDown: Bool)>((nil, false))

    init(services: WorkerServices, connectionName: String, queues: [String], force: Bool) {
        self.services = services
        self.connectionName = connectionName
        self.queues = queues
        self.force = force
    }

    private var logger: Logger { services.logger }

    /// Remembers the restart marker at start: any change since then means restart.
    func start() async {
        guard let cache = services.cache else { return }
        let marker = try? await cache.get(Self.restartKey)
        state.withLock { $0.marker = marker }
    }

    /// `queue:restart` stores a timestamp; any change since start means restart (Laravel compares loosely).
    func restartRequested() async -> Bool {
        guard let cache = services.cache else { return false }
        do {
            let current = try await cache.get(Self.restartKey)
            return Self.looselyDiffers(current, state.withLock { $0.marker })
        } catch {
            logger.error("restart check failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// PHP's `!=` between the marker's two readings.
    static func looselyDiffers(_ a: PHPValue?, _ b: PHPValue?) -> Bool {
        func normalized(_ v: PHPValue?) -> String {
            switch v {
            case nil, .null?: return ""
            case .int(let i)?: return String(i)
            case .double(let d)?: return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
            case .string(let s)?: return String(decoding: s, as: UTF8.self)
            case .bool(let b)?: return b ? "1" : ""
            default: return "\(v!)"
            }
        }
        return normalized(a) != normalized(b)
    }

    /// Laravel 12.40+'s `queue:pause`: `illuminate:queue:paused:<connection>:<queue>` (and 13.25+'s global key).
    func pausedQueues() async -> Set<String> {
        guard let cache = services.cache, services.laravelVersion >= QueueSignalKeys.perQueuePauseSince else { return [] }
        if services.laravelVersion >= QueueSignalKeys.allPausedSince, let all = try? await cache.get(QueueSignalKeys.allPaused),
           all.isTruthy {
            return Set(queues)
        }
        var paused: Set<String> = []
        for name in queues {
            if let v = try? await cache.get(QueueSignalKeys.paused(connection: connectionName, queue: name)), v.isTruthy {
                paused.insert(name)
            }
        }
        return paused
    }

    /// `php artisan down` on this host, unless `--force`; logs when it starts and ends.
    func appDown() -> Bool {
        let down = !force && (services.maintenanceMode?.isDown ?? false)
        let wasDown = state.withLock { s in defer { s.wasDown = down }; return s.wasDown }
        if down && !wasDown { logger.notice("the app is down for maintenance; not taking jobs (use --force to)") }
        if !down && wasDown { logger.notice("the app is up again; taking jobs") }
        return down
    }
}
