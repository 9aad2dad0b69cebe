import Prometheus

/// The daemon's metrics, in a Prometheus registry of its own (not a process-global bootstrap, so
/// that several sites — tests, tools — never share counters). Counters are bumped where things
/// happen; gauges of the store are set when scraped.
///
/// Every family is described in `MetricCatalogue` (type and help text, which the exposition
/// carries as `# TYPE` and `# HELP`); `start` creates the series that exist from start at zero.
final class SiteMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    init() {}

    /// Creates every series of the catalogue that exists from start (at zero), for a site that
    /// reads `levels`, and the build and certificate gauges.
    func start(levels: [String], version: String, certificateExpiry: Int64) {
        for family in MetricCatalogue.families {
            for labels in family.zero(levels) {
                switch family.kind {
                case .counter: _ = registry.makeCounter(name: family.name, labels: labels, help: family.help)
                case .gauge: registry.makeGauge(name: family.name, labels: labels, help: family.help).set(Double(0))
                }
            }
        }
        gauge("cairn_build_info", [("version", version)], 1)
        gauge("cairn_certificate_expiry_seconds", [], Double(certificateExpiry))
    }

    /// Adds `by` to the counter `name` with these labels (the registry keeps one per label set).
    func count(_ name: String, _ labels: [(String, String)] = [], by amount: Int = 1) {
        registry.makeCounter(name: name, labels: labels, help: Self.help(name, .counter)).increment(by: Int64(amount))
    }

    func gauge(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        registry.makeGauge(name: name, labels: labels, help: Self.help(name, .gauge)).set(value)
    }

    /// The Prometheus text exposition of every metric.
    func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// The catalogue's help text of `name`. A family missing from the catalogue, or used with
    /// another type, is a programming error (caught by the tests); in a release build it is
    /// exposed without help rather than stopping the daemon.
    private static func help(_ name: String, _ kind: MetricCatalogue.Kind) -> String {
        guard let family = MetricCatalogue.byName[name], family.kind == kind else {
            assertionFailure("metric \(name) (\(kind)) is not in MetricCatalogue")
            return ""
        }
        return family.help
    }
}
