import LaravelQueue
import Redis
import ShuttleMetrics
import ShuttleOperations
import ShuttleRuntime

/// `work --http`: the metrics middleware, the health monitor on a Redis connection of its own, and the
/// HTTP server; `stop()` at exit.
struct OperationsEndpoint {
    let middleware: MetricsMiddleware
    let monitor: HealthMonitor
    let server: OperationsServer
    let sampling: Task<Void, Never>

    static func start(_ address: ListenAddress, application: QueueApplication, queues: [String], concurrency: Int) async throws
        -> OperationsEndpoint {
        OperationsEndpoints.bootstrap()
        var configuration = QueueApplication.redisConfiguration(application.configuration.redis)
        // One connect attempt per sample and a short timeout: a Redis that is gone reads as down within seconds.
        configuration.reconnectBackoff = ReconnectBackoff(attempts: 1)
        configuration.commandTimeout = .seconds(2)
        let redis = try await RedisConnection(configuration: configuration)
        let activity = WorkerActivity(concurrency: concurrency)
        let secrets = SecretRedactor(environment: application.configuration.environment.variables)
        let monitor = HealthMonitor(redis: redis, queues: queues, database: application.database, activity: activity, redactor: secrets)
        let server = try OperationsServer(address: address, route: OperationsEndpoints.route(monitor))
        server.start()
        let sampling = Task { await monitor.run() }
        application.logger.info("serving /metrics, /health and /ready", metadata: ["http": "\(address.host):\(server.port)"])
        return OperationsEndpoint(middleware: MetricsMiddleware(activity: activity), monitor: monitor, server: server, sampling: sampling)
    }

    func attach(_ worker: Worker) {
        middleware.activity.countInFlight { [weak worker] in worker?.jobsInFlight ?? 0 }
        middleware.activity.countFinished { [weak worker] in worker?.jobsProcessed ?? 0 }
        monitor.attach { [weak worker] in
            HealthMonitor.WorkerState(paused: worker?.isPaused ?? false, draining: worker?.isDraining ?? true)
        }
    }

    func stop() {
        sampling.cancel()
        server.stop()
    }
}
