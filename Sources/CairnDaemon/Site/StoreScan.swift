import CairnModel
import CairnCrypto
import CairnProtocol
import CairnStore
import Logging

/// The check of every stored delta that `StoreCheck` runs after each start: its envelope must
/// parse and its id must be the one its bytes give, and each stream must be contiguous. A delta
/// that fails is moved to quarantine (kept as evidence, reported in `status` and the log);
/// everything else is still served.
struct StoreScan {
    let database: any SiteStore
    let logger: Logger
    /// Asked before each delta: true stops the scan (the daemon is shutting down).
    var cancelled: () -> Bool = { false }

    /// Checks every delta; quarantined ones are added to `events` for the audit log.
    func run(events: inout [StartupEvent]) throws -> [String] {
        var bad: [(id: [UInt8], reason: String)] = []
        var problems: [String] = []
        var expected: [String: UInt64] = [:]
        try database.forEachDelta { stored in
            if cancelled() { return false }
            let stream = Hex.encode(stored.author) + "/" + stored.level
            if let reason = Self.parseProblem(stored) {
                bad.append((stored.id, reason))
            }
            let next = expected[stream, default: 1]
            if stored.sequence != next {
                problems.append("stream \(stream.prefix(16))…/\(stored.level) jumps from \(next - 1) to \(stored.sequence)")
            }
            expected[stream] = stored.sequence + 1
            return true
        }
        for (id, reason) in bad {
            try database.quarantine(deltaID: id, reason: reason)
            logger.error("store.delta_quarantined", metadata: ["delta.id": "\(Hex.encode(id))", "reason": "\(reason)"])
            problems.append("delta \(Hex.encode(id).prefix(16))… was quarantined: \(reason)")
            events.append(StartupEvent(kind: "store.delta_quarantined", detail: ["delta": Hex.encode(id), "reason": reason]))
        }
        for problem in problems where !problem.hasPrefix("delta ") {
            logger.warning("store.stream_gap", metadata: ["problem": "\(problem)"])
        }
        return problems
    }

    private static func parseProblem(_ stored: StoredDelta) -> String? {
        do {
            let delta = try SealedDelta.parse(stored.envelope)
            // The id covers header, body hash and signature (a redacted envelope keeps it).
            guard delta.id == stored.id else { return "its bytes do not match its id (corrupted or truncated)" }
            guard delta.header.sequence == stored.sequence, delta.header.level == stored.level,
                delta.header.author.bytes == stored.author
            else {
                return "its header does not match its index row"
            }
            return nil
        } catch {
            return "it does not parse: \(error)"
        }
    }
}
