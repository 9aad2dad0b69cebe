import Synchronization

/// Refusals of local callers (connections over a cap, requests past a deadline, requests
/// without the right), aggregated so that a flood cannot fill the audit log or the journal.
///
/// Within each window the first refusal of a kind, uid and reason is reported at once (audited
/// and logged as it happens); the others are only counted, and `endWindow` returns one count
/// per kind, uid and reason for a single audit entry. The number of distinct keys per window is
/// bounded: past `capacity`, uids are folded into one key without a uid.
final class ControlRefusalTally: Sendable {
    struct Key: Hashable, Sendable {
        var kind: String
        /// nil once the window holds `capacity` distinct keys (reported as `uid:*`).
        var uid: UInt32?
        var reason: String

        var actor: String { uid.map { "uid:\($0)" } ?? "uid:*" }
    }

    private struct Window {
        var seen: Set<Key> = []
        var suppressed: [Key: Int] = [:]
    }

    let capacity: Int
    private let window = Mutex(Window())

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// Counts one refusal; true when it is the first of its key in this window (report it now).
    func record(_ key: Key) -> Bool {
        window.withLock { window in
            var key = key
            if !window.seen.contains(key) && window.seen.count >= capacity { key.uid = nil }
            if window.seen.insert(key).inserted { return true }
            window.suppressed[key, default: 0] += 1
            return false
        }
    }

    /// The refusals counted but not reported during the window now ending, and a new window.
    func endWindow() -> [(key: Key, count: Int)] {
        window.withLock { window in
            defer { window = Window() }
            return window.suppressed.map { (key: $0.key, count: $0.value) }
                .sorted { ($0.key.kind, $0.key.actor, $0.key.reason) < ($1.key.kind, $1.key.actor, $1.key.reason) }
        }
    }
}
