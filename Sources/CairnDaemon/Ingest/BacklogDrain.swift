import CairnModel
import CairnProtocol
import Dispatch
import Logging
import NIOPosix

/// Applies the stored deltas that a newly held key unlocked, in commit groups of at most
/// `limit` deltas, until none whose key is held is left.
///
/// The group that receives a grant applies the first `limit` itself; the rest comes here, so
/// memory stays bounded (one group's deltas and records) and other groups, the link's
/// acknowledgements among them, get their turn between these. It is a task of the daemon's
/// service group (`BackgroundWork`), woken by the ledger after a group that left a backlog
/// (`wake()`, through an `AsyncStream` that keeps at most one wake-up waiting, so any number of
/// wakes during a pass make one more pass) and once after start, which finishes a backlog that a
/// stop or crash interrupted (the waiting rows are removed in the same transaction as the records
/// they update, so nothing is applied twice). Between passes it holds no thread: the list of keys
/// is read on the thread pool, and each group waits for the ledger as a suspended task.
final class BacklogDrain: ScheduledDrain {
    /// When passes run and how many deltas each commit group takes.
    let schedule = DrainSchedule()

    /// Runs a pass per wake-up until the task is cancelled (graceful shutdown: the group being
    /// applied is committed first). Call once: the wake-ups are one stream.
    func run(_ site: Site, threadPool: NIOThreadPool) async {
        await schedule.run { await drain(site, threadPool: threadPool) }
    }

    /// Applies every stored delta whose key is held, one bounded group at a time, until none is
    /// left or the task is cancelled.
    func drain(_ site: Site, threadPool: NIOThreadPool) async {
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
        while !Task.isCancelled {
            let slots: [EpochSlot]
            do {
                let keyring = site.ingest.keyring()
                let waiting = try await threadPool.runIfActive { try site.database.unappliedEpochs() }
                slots = waiting.compactMap { waiting in
                    // A malformed epoch reference cannot name a key held: nothing to apply with it.
                    guard let epoch = try? EpochRef(number: waiting.epochNumber, keyID: waiting.epochKeyID),
                        keyring.key(level: waiting.level, epoch: epoch) != nil
                    else { return nil }
                    return EpochSlot(level: waiting.level, epoch: epoch)
                }
            } catch {
                // The pool is shut down only after the service group ended: this is the store's error.
                site.logger.error("keys.backlog_failed", metadata: .error(error))
                return
            }
            var took = 0
            for slot in slots where !Task.isCancelled {
                // Group after group for this key until a group comes back short (the list of
                // keys is a DISTINCT over every waiting row: not worth asking again per group).
                var count = 0
                repeat {
                    do {
                        count = try await site.ingest.applyBacklogGroup(slot)
                    } catch {
                        // Left waiting: the next grant or the next start tries again.
                        site.logger.error("keys.backlog_failed", metadata: .error(error, ["key.level": "\(slot.level)"]))
                        return
                    }
                    took += count
                    groups += count > 0 ? 1 : 0
                } while count >= limit && !Task.isCancelled
            }
            applied += took
            if took == 0 { return }
        }
    }
}
