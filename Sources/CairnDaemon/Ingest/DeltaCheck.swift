import CairnModel
import CairnProtocol
import CairnTrust
import Dispatch
import Foundation

/// Everything a received delta must pass before the store sees it, whether it came from a peer
/// (`Site.ingest`) or a bundle (checked whole before anything of it is stored): structure, level
/// (known, within the sender's clearance and ours), the author (certified, cleared for the level,
/// certificate valid when the delta was written, not withdrawn then), and the signature. Pure:
/// nothing is read from or written to the store.
struct DeltaCheck: Sendable {
    let levels: LevelLattice
    /// The levels a bundle's header names; nil for a peer's batch.
    var declared: Set<String>? = nil
    let senderClearance: String
    let ourClearance: String
    let devices: KnownDevices
    /// Certificates a bundle carries, verified against the charter.
    var carried: [DeviceID: DeviceCertificate] = [:]
    let withdrawals: Withdrawals

    /// The author's certificate: the newer of the one known here and the one carried.
    func author(_ id: DeviceID) -> DeviceCertificate? {
        guard let carried = carried[id] else { return devices.certificate(id) }
        return devices.supersedes(carried) ? carried : devices.certificate(id)
    }

    /// The delta, or the refusal code `Site.ingest` would give it.
    func check(_ envelope: [UInt8]) -> Result<SealedDelta, DeltaRefusal> {
        let delta: SealedDelta
        do {
            delta = try SealedDelta.parse(envelope)
        } catch {
            return .failure(DeltaRefusal.malformed)
        }
        let level = delta.header.level
        if let declared, !declared.contains(level) {
            return .failure(DeltaRefusal.levelNotDeclared)
        }
        guard levels.contains(level) else { return .failure(DeltaRefusal.unknownLevel) }
        guard levels.isAtOrBelow(level, senderClearance) else { return .failure(DeltaRefusal.aboveSenderClearance) }
        guard levels.isAtOrBelow(level, ourClearance) else { return .failure(DeltaRefusal.aboveOurClearance) }
        guard let author = author(delta.header.author) else { return .failure(DeltaRefusal.unknownAuthor) }
        guard levels.isAtOrBelow(level, author.clearance) else { return .failure(DeltaRefusal.aboveAuthorClearance) }
        // The author's certificate must have been valid when the delta was written (its HLC
        // wall time), so that old deltas of a since-expired device stay acceptable; a withdrawn
        // author's deltas written before the withdrawal stay valid, later ones are refused.
        let writtenAt = Int64(clamping: delta.header.hlc.wallMillis / 1000)
        guard writtenAt >= author.notBefore - 300, writtenAt < author.notAfter else {
            return .failure(DeltaRefusal.authorCertificateNotValid)
        }
        if let withdrawal = withdrawals.withdrawal(of: author), writtenAt >= withdrawal.effectiveAt {
            return .failure(DeltaRefusal.authorRevoked)
        }
        do {
            try delta.verify(authorKey: author.signingKey)
        } catch {
            return .failure(DeltaRefusal.badSignature)
        }
        return .success(delta)
    }

    /// Checks a batch on every core: signature verification is the dominant cost of receiving
    /// a delta (about 50 µs each) and each check is independent. Results keep the batch's order.
    func checkAll(_ envelopes: [[UInt8]]) -> [Result<SealedDelta, DeltaRefusal>] {
        let slice = 32
        guard envelopes.count > slice else { return envelopes.map(check) }
        let results = CheckResults(count: envelopes.count)
        DispatchQueue.concurrentPerform(iterations: (envelopes.count + slice - 1) / slice) { index in
            for position in index * slice..<min(envelopes.count, (index + 1) * slice) {
                results.set(position, check(envelopes[position]))
            }
        }
        return results.all
    }
}

/// The results of a parallel check, one slot per envelope; each slot is written by exactly one
/// iteration, and read only after all have finished.
final class CheckResults: @unchecked Sendable {
    private var slots: [Result<SealedDelta, DeltaRefusal>?]
    private let lock = NSLock()

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ result: Result<SealedDelta, DeltaRefusal>) {
        lock.withLock { slots[index] = result }
    }

    var all: [Result<SealedDelta, DeltaRefusal>] {
        lock.withLock { slots.map { $0! } }
    }
}
