import CairnModel
import CairnProtocol
import Dispatch
import Foundation
import Logging
import Synchronization

/// Applies the stored deltas that a newly held key unlocked, in commit groups of at most
/// `limit` deltas, on a background thread, until none whose key is held is left.
///
/// The group that receives a grant applies the first `limit` itself; the rest comes here, so
/// memory stays bounded (one group's deltas and records) and other groups, the link's
/// acknowledgements among them, get their turn between these. The daemon also runs it once
/// after start, which finishes a backlog that a stop or crash interrupted (the waiting rows are
/// removed in the same transaction as the records they update, so nothing is applied twice).
final class BacklogDrain: Sendable {
    private struct Control {
        var running = false
        var again = false
        var cancelled = false
        /// Tests hold the drain to look at a backlog half applied.
        var suspended = false
    }

    private let control = Mutex(Control())
    private let active = DispatchGroup()
    private let limitValue = Atomic<Int>(5_000)

    /// Stored deltas applied per commit group.
    var limit: Int {
        get { limitValue.load(ordering: .relaxed) }
        set { limitValue.store(max(1, newValue), ordering: .relaxed) }
    }

    var isCancelled: Bool { control.withLock { $0.cancelled } }

    /// Starts draining on a background thread, or asks the running drain to look again.
    func schedule(_ site: Site) {
        let start = control.withLock { control -> Bool in
            guard !control.cancelled, !control.suspended else { return false }
            if control.running {
                control.again = true
                return false
            }
            control.running = true
            return true
        }
        guard start else { return }
        active.enter()
        let thread = Thread { [self] in
            defer { active.leave() }
            repeat {
                control.withLock { $0.again = false }
                drain(site)
            } while control.withLock { control in
                if control.again, !control.cancelled { return true }
                control.running = false
                return false
            }
        }
        thread.name = "cairnd-backlog"
        thread.start()
    }

    /// Applies every stored delta whose key is held, one bounded group at a time, on the
    /// calling thread.
    func drain(_ site: Site) {
        let started = DispatchTime.now()
        var applied = 0
        var groups = 0
        defer {
            if applied > 0 {
                let millis = (DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
                site.logger.info(
                    "keys.backlog_applied",
                    metadata: ["deltas": "\(applied)", "groups": "\(groups)", "elapsed_ms": "\(millis)"])
            }
        }
        while !isCancelled {
            let slots: [EpochSlot]
            do {
                let keyring = site.ingest.keyring()
                slots = try site.database.unappliedEpochs().compactMap { waiting in
                    // A malformed epoch reference cannot name a key held: nothing to apply with it.
                    guard let epoch = try? EpochRef(number: waiting.epochNumber, keyID: waiting.epochKeyID),
                        keyring.key(level: waiting.level, epoch: epoch) != nil
                    else { return nil }
                    return EpochSlot(level: waiting.level, epoch: epoch)
                }
            } catch {
                site.logger.error("keys.backlog_failed", metadata: .error(error))
                return
            }
            var took = 0
            for slot in slots where !isCancelled {
                // Group after group for this key until a group comes back short (the list of
                // keys is a DISTINCT over every waiting row: not worth asking again per group).
                var count = 0
                repeat {
                    do {
                        count = try site.ingest.applyBacklogGroup(slot)
                    } catch {
                        // Left waiting: the next grant or the next start tries again.
                        site.logger.error("keys.backlog_failed", metadata: .error(error, ["key.level": "\(slot.level)"]))
                        return
                    }
                    took += count
                    groups += count > 0 ? 1 : 0
                } while count >= limit && !isCancelled
            }
            applied += took
            if took == 0 { return }
        }
    }

    /// Holds (true) or releases (false) the drain; for tests.
    func suspend(_ suspended: Bool) {
        control.withLock { $0.suspended = suspended }
    }

    /// Waits until no drain is running.
    func waitUntilIdle() {
        active.wait()
    }

    /// Stops the drain after its current group and waits for it (before the store is closed).
    func cancelAndWait() {
        control.withLock { $0.cancelled = true }
        active.wait()
    }
}
