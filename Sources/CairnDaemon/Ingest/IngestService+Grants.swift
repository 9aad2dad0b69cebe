import CairnCrypto
import CairnProtocol
import CairnStore
import Foundation

/// Grants received: placed in their stream (`receiveGrant`) or sent ahead of it
/// (`takeEarlyGrants`, Docs/Protocol.md "Early grants"); either way this device's own copy
/// gives its key through `takeOwnKey`.
extension IngestService {
    /// Keys from GRANT deltas a peer sent ahead of their streams (`earlyGrants`, sync.proto):
    /// each envelope is checked like any received delta, and the copies addressed to this
    /// device among those that pass give their keys now, so that the backlog of the granter's
    /// stream is applied as it arrives instead of after it. The deltas are not placed: they come
    /// again in stream order. Anything but a GRANT delta is refused as malformed. Queued on the
    /// ledger like `ingest`, so that the batches the peer sends next are built after it.
    func takeEarlyGrants(
        _ envelopes: [[UInt8]], from source: DeltaSource, done: @escaping @Sendable (Result<IngestReport, any Error>) -> Void
    ) {
        let (accepted, checked) = check(envelopes, from: source)
        let grants = accepted.filter { $0.header.kind == .grant }
        var report = checked
        for _ in grants.count..<accepted.count { report.refuse(.malformed) }
        let result = report
        ledger.submit(
            { [self] context in
                for delta in grants where !withdrawal.writtenAfterWithdrawal(delta.header, in: context) {
                    // Not a store error but a signed body that does not parse: no key can come of
                    // it, and skipping it here is harmless, since the same delta is logged and
                    // counted as unreadable (`receiveGrant`) when it is placed in its stream.
                    guard let copies = try? GrantCopies.grants(of: delta) else { continue }
                    try takeOwnKey(copies, from: delta, early: true, in: &context)
                }
                for (reason, count) in result.refusals.sorted(by: { $0.key < $1.key }) {
                    context.audit("sync.delta_refused", actor: "peer:\(source.name)", detail: ["reason": reason, "count": "\(count)"])
                }
                return result
            }, done: done)
    }

    /// A GRANT delta placed in its stream: who holds which key, and our key when it is for us.
    func receiveGrant(_ delta: SealedDelta, in context: inout WriteContext) throws {
        // Not a store error: a signed grant whose body does not parse tells nothing about who
        // holds which key, so there is nothing to record; it is logged and kept for its chain.
        let grants: [EpochGrant]
        do {
            grants = try GrantCopies.grants(of: delta)
        } catch {
            logger.warning("sync.grant_unreadable", metadata: ["delta.level": "\(delta.header.level)"])
            metrics.count("cairn_deltas_not_applied_total", [("reason", "grant_unreadable")])
            return
        }
        guard let first = grants.first else { return }
        for grant in grants {
            let seen = GrantSeen(grant)
            if context.grantsSeen.insert(seen).inserted { context.batch.grants.append(seen) }
        }
        // Whoever wrote the grant knows the key: it holds it as surely as the recipient does, so
        // a key written by a device withdrawn later (or granted by it under an old signature)
        // is exposed and gets rotated away, never kept as the key to write with.
        let author = GrantSeen(
            level: first.level, epochNumber: first.epoch.number, epochKeyID: first.epoch.keyID, recipient: delta.header.author.bytes)
        if context.grantsSeen.insert(author).inserted { context.batch.grants.append(author) }
        try takeOwnKey(grants, from: delta, in: &context)
    }

    /// The key of the copy among `grants` addressed to this device, when this site lacks it:
    /// opened with the device's wrapping key, kept (keyring and store), audited, and applied to
    /// what waits for it. From a grant placed in its stream, or one sent ahead of it.
    private func takeOwnKey(_ grants: [EpochGrant], from delta: SealedDelta, early: Bool = false, in context: inout WriteContext) throws {
        guard let grant = grants.first(where: { $0.recipient == identity.deviceID }),
            context.keyring.key(level: grant.level, epoch: grant.epoch) == nil
        else { return }
        guard grant.epoch.number < KeysService.highestAdoptedEpoch else {
            // Room must remain to rotate past any key in use.
            logger.warning("keys.grant_refused", metadata: ["key.level": "\(grant.level)", "key.epoch": "\(grant.epoch.number)"])
            context.audit(
                "keys.grant_refused", actor: "peer:\(context.devices.displayName(delta.header.author))",
                detail: ["level": grant.level, "epoch": "\(grant.epoch.number)", "reason": "epoch_out_of_range"])
            return
        }
        let key: XChaCha20Poly1305.Key
        do {
            key = try grant.openKey(with: identity.keys.wrapping)
        } catch {
            logger.error("keys.grant_unopenable", metadata: .error(error, ["key.level": "\(grant.level)"]))
            return
        }
        context.keyring.insert(level: grant.level, epoch: grant.epoch, key: key)
        context.batch.epochKeys.append(
            EpochKeyRow(
                level: grant.level, number: grant.epoch.number, keyID: grant.epoch.keyID, sealed: grant.sealedKey,
                createdAt: Int64(Date().timeIntervalSince1970)))
        context.audit(
            "keys.received", actor: "peer:\(context.devices.displayName(delta.header.author))",
            detail: early ? ["level": grant.level, "epoch": "\(grant.epoch.number)", "early": "yes"] : ["level": grant.level, "epoch": "\(grant.epoch.number)"])
        try applyWaiting(for: EpochSlot(level: grant.level, epoch: grant.epoch), key: key, in: &context)
    }
}
