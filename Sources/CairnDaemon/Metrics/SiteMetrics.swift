import CoreMetrics
import Prometheus

/// The daemon's metrics, through swift-metrics with a Prometheus registry of its own (not the
/// process-global bootstrap, so that several sites — tests, tools — never share counters).
/// Counters are bumped where things happen; gauges of the store are set when scraped.
final class SiteMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    init() {
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// Adds `by` to the counter `name` with these labels (the registry keeps one per label set).
    func count(_ name: String, _ labels: [(String, String)] = [], by amount: Int = 1) {
        Counter(label: name, dimensions: labels, factory: factory).increment(by: amount)
    }

    func gauge(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        Gauge(label: name, dimensions: labels, factory: factory).record(value)
    }

    /// The Prometheus text exposition of every metric.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
