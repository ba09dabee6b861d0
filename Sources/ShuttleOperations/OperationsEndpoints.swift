import CoreMetrics
import Prometheus

/// `work --http`: /metrics from the process's Prometheus registry, /health and /ready from the monitor.
public enum OperationsEndpoints {
    /// The process's one registry, made the global swift-metrics backend on first use (swift-metrics allows
    /// one bootstrap per process). Before it, every metric is swift-metrics' no-op: no --http, no cost.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Jobs run from milliseconds (a Redis write) to minutes (a paged API fetch).
        factory.durationHistogramBuckets["shuttle_job_runtime_seconds"] = [
            .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
        ]
        for name in ["shuttle_redis_roundtrip_seconds", "shuttle_database_roundtrip_seconds"] {
            factory.durationHistogramBuckets[name] = [
                .microseconds(250), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100),
                .milliseconds(500), .seconds(2),
            ]
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Makes the registry the metrics backend now, before any metric is made.
    public static func bootstrap() { _ = registry }

    /// The routes of the operations server.
    public static func route(_ monitor: HealthMonitor) -> OperationsServer.Route {
        { path in
            switch path {
            case "/metrics":
                _ = monitor.report()  // refreshes the gauges read at scrape time
                return .init(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer())
            case "/health":
                let report = monitor.report()
                return .init(status: report.healthy ? 200 : 503, contentType: "application/json", body: report.json)
            case "/ready":
                let report = monitor.report()
                return .init(status: report.ready ? 200 : 503, contentType: "application/json", body: report.json)
            case "/":
                return .text(200, "shuttle: /metrics, /health, /ready\n")
            default:
                return nil
            }
        }
    }
}
