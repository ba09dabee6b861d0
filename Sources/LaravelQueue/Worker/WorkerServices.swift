import Logging
import PHPFormats

/// What the worker runtime uses besides the queue itself; every part is optional so a bare worker runs
/// with just Redis (Laravel's file cache or `null` failer are the same: nothing shared).
public struct WorkerServices: Sendable {
    /// The app's default cache store: restart/pause signals, `maxExceptions` counters.
    public var cache: (any CacheStore)?
    /// Where failed jobs are recorded (`failed_jobs`).
    public var failer: (any FailedJobProvider)?
    /// Decrypts `ShouldBeEncrypted` commands.
    public var encrypter: Encrypter?
    public var middleware: [any JobMiddleware]
    /// The Laravel version whose behaviour and messages Shuttle reproduces.
    public var laravelVersion: LaravelVersion
    public var logger: Logger
    /// `php artisan down` on this host pauses the worker (unless `--force`).
    public var maintenanceMode: MaintenanceMode?

    public init(cache: (any CacheStore)? = nil, failer: (any FailedJobProvider)? = nil, encrypter: Encrypter? = nil,
                middleware: [any JobMiddleware] = [], laravelVersion: LaravelVersion = .v12,
                logger: Logger = Logger(label: "shuttle.worker")) {
        self.cache = cache
        self.failer = failer
        self.encrypter = encrypter
        self.middleware = middleware
        self.laravelVersion = laravelVersion
        self.logger = logger
    }
}
