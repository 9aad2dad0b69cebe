import Testing

/// The parent of every suite that starts daemons or other processes: they run one at a time.
///
/// Their test bodies are synchronous and block while they wait for processes (polling with
/// `Thread.sleep`, waiting on pipes). Swift Testing runs them on the concurrency runtime's
/// cooperative pool, which has one thread per core — two here — so two such tests at once
/// starve every async test of the run (TLS transport tests timed out after 55 s on a fresh CI
/// clone, once this tests were added). Serialized, at most one thread is blocked, and
/// the daemons of one test do not compete with those of another for the two cores.
@Suite(.serialized) enum IntegrationSuite {}
