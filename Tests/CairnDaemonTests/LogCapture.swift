import Logging
import Synchronization

@testable import CairnDaemon

/// Keeps the lines the daemon's `LogfmtHandler` would write, at every level, so a test can read
/// what a site logged.
final class LogCapture: Sendable {
    private let captured = Mutex<[String]>([])

    /// A logger writing here, at `trace` so that no line escapes the check.
    var logger: Logger {
        var logger = Logger(label: "cairnd-test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    var lines: [String] { captured.withLock { $0 } }

    fileprivate func append(_ line: String) { captured.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            capture.append(
                LogfmtHandler.line(
                    timestamp: "t", level: event.level, message: event.message.description, metadata: merged))
        }
    }
}
