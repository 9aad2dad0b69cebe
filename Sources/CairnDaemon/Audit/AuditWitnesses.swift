import CairnModel
import CairnProtocol
import CairnStore
import Foundation
import Synchronization

/// The newest signed audit head of every peer this site syncs with. Sent back to the peer at
/// each connection, so that a peer that lost its log's tail together with its anchor (restored
/// from an old backup, say) learns how far its log once reached.
///
/// Heads arrive every few seconds per link; the store is written at most once a minute per
/// device (and when a link closes), so a peer cannot make this site write once per frame. A
/// crash forgets at most the last minute of a peer's progress: the copy lags, never leads.
final class AuditWitnesses: Sendable {
    /// Least time between two store writes of one device's head.
    static let persistInterval: TimeInterval = 60

    private struct Held: Sendable {
        var head: AuditHead
        /// The sequence number of the copy in the store (0: none).
        var storedSeq: UInt64
        var storedAt: Date?
    }

    private let held: Mutex<[DeviceID: Held]>
    /// How far each peer said its copy of this site's head reaches, and when (by peer ref).
    private let reported = Mutex<[String: (seq: UInt64, at: Date)]>([:])

    /// The heads kept in the store, each checked again against its device (one that no longer
    /// verifies was altered in the store and is dropped).
    init(stored rows: [AuditWitnessRow]) {
        var held: [DeviceID: Held] = [:]
        for row in rows {
            guard let device = try? DeviceID(row.device), row.seq >= 1,
                let head = try? AuditHead(
                    device: device, seq: UInt64(row.seq), hash: row.hash, signedAt: UInt64(max(0, row.signedAt)), signature: row.signature),
                head.isValid(for: device)
            else { continue }
            held[device] = Held(head: head, storedSeq: head.seq, storedAt: nil)
        }
        self.held = Mutex(held)
    }

    /// The newest head held for `device`.
    func head(of device: DeviceID) -> AuditHead? {
        held.withLock { $0[device]?.head }
    }

    /// What `offer` did with a head.
    struct Offer {
        /// It was newer than the one held, and is kept.
        var kept: Bool
        /// It is older than the one held: the peer's log went back.
        var regressed: Bool
        /// The row to write to the store now (nil: not due yet, or nothing new).
        var due: AuditWitnessRow?
    }

    /// Keeps `head` (verified by the caller as its device's) if it is newer than the one held.
    func offer(_ head: AuditHead, now: Date = Date()) -> Offer {
        held.withLock { held in
            var entry = held[head.device] ?? Held(head: head, storedSeq: 0, storedAt: nil)
            let known = held[head.device] != nil
            if known, head.seq <= entry.head.seq {
                return Offer(kept: false, regressed: head.seq < entry.head.seq, due: nil)
            }
            entry.head = head
            var due: AuditWitnessRow?
            if entry.storedAt.map({ now.timeIntervalSince($0) >= Self.persistInterval }) ?? true {
                due = Self.row(head, at: now)
                entry.storedSeq = head.seq
                entry.storedAt = now
            }
            held[head.device] = entry
            return Offer(kept: true, regressed: false, due: due)
        }
    }

    /// The head held for `device` if the store has an older one (written when a link closes).
    func unstored(of device: DeviceID, now: Date = Date()) -> AuditWitnessRow? {
        held.withLock { held in
            guard var entry = held[device], entry.head.seq > entry.storedSeq else { return nil }
            entry.storedSeq = entry.head.seq
            entry.storedAt = now
            held[device] = entry
            return Self.row(entry.head, at: now)
        }
    }

    /// Notes that `peer` holds this site's head up to `seq`.
    func noteReported(_ seq: UInt64, by peer: String, now: Date = Date()) {
        reported.withLock { $0[peer] = (seq, now) }
    }

    /// What each peer said it holds of this site's head, sorted by peer.
    var reports: [(peer: String, seq: UInt64, at: Date)] {
        reported.withLock { $0.map { ($0.key, $0.value.seq, $0.value.at) } }.sorted { $0.peer < $1.peer }
    }

    /// A write that failed: the head is written again at the next chance.
    func storeFailed(_ device: DeviceID) {
        held.withLock { held in
            held[device]?.storedSeq = 0
            held[device]?.storedAt = nil
        }
    }

    private static func row(_ head: AuditHead, at now: Date) -> AuditWitnessRow {
        AuditWitnessRow(
            device: head.device.bytes, seq: Int64(head.seq), hash: head.hash, signedAt: Int64(head.signedAt),
            signature: head.signature, receivedAt: Int64(now.timeIntervalSince1970))
    }
}
