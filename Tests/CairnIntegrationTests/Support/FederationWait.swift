import Foundation

/// Polling with a deadline, for conditions that other processes make true in their own time
/// (a delta crossing the network, a daemon closing a connection). A fixed sleep is either too
/// short on a loaded machine or wastes time on an idle one; a poll is as fast as the system.
enum FederationWait {
    /// Calls `check` every `interval` until it returns nil, and throws after `timeout` with the
    /// last thing `check` said was missing. A throwing `check` counts as "not yet" (a daemon
    /// restarting refuses its socket for a moment); its error is kept for the failure message.
    static func until(
        _ what: String, timeout: TimeInterval, interval: TimeInterval = 0.1, _ check: () throws -> String?
    ) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = "not checked yet"
        while true {
            do {
                guard let missing = try check() else { return }
                last = missing
            } catch {
                last = "error: \(error)"
            }
            if Date() > deadline { throw TestFailure("\(what): not reached within \(timeout) s; last: \(last)") }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
