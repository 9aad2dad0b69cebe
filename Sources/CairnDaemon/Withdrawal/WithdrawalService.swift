import CairnCrypto
import CairnModel
import CairnProtocol
import CairnStore
import Foundation

/// Taking records back: reclassification, retraction, redaction and retroactive withdrawal of what a revoked device wrote.
struct WithdrawalService: SiteService {
    let kernel: SiteKernel
}

/// What a retraction did: the tombstone written at the record's level and how many of its
/// deltas' bodies were redacted here.
struct Retraction: Sendable {
    let id: RecordID
    let level: String
    let tombstone: [UInt8]
    let redacted: Int
}

/// Reclassification and retraction: signed operations written like any edit.
///
/// A reclassification writes two deltas in one commit group: at the new level, the record's
/// whole current state with a `reclassify` marker (a site that never held the old level learns
/// the record from it); at the old level, a `withdraw` tombstone listing the record's deltas
/// there. A retraction writes one tombstone at the record's level. Either way this site drops
/// what it held of the record at the old level at once (see `WithdrawalService+Records`).
extension WithdrawalService {
    /// Moves a record to `level` (up or down): the one held at `from`, or the only one held
    /// elsewhere than `level`. Lowering it is reserved by the charter's downgrade rule (by
    /// default to the agency that created the record). A record with the same id already held
    /// at `level` absorbs it (records are named by id and level; Docs/DataModel.md).
    func reclassify(id raw: String, to level: String, from: String? = nil, actor: String = "local") throws -> RecordState {
        try ledger.submitAndWait(reclassifyJob(id: raw, to: level, from: from, actor: actor))
    }

    /// `reclassify` for a caller that must not hold a thread while the group commits.
    func reclassify(id raw: String, to level: String, from: String? = nil, actor: String = "local") async throws -> RecordState {
        try await ledger.submit(reclassifyJob(id: raw, to: level, from: from, actor: actor))
    }

    private func reclassifyJob(id raw: String, to level: String, from: String?, actor: String) throws
        -> @Sendable (inout WriteContext) throws -> RecordState
    {
        let id = try Self.recordID(raw)
        try checkLevel(level)
        if let from { try checkLevel(from) }
        return { [self] context in try prepareReclassify(id: id, to: level, from: from, actor: actor, in: &context) }
    }

    /// Retracts a record: it is withdrawn from its level for every site, its state and the
    /// bodies of its deltas are dropped, and its id cannot be used again.
    func retract(id raw: String, level: String? = nil, reason: String, actor: String = "local") throws -> Retraction {
        try ledger.submitAndWait(retractJob(id: raw, level: level, reason: reason, actor: actor))
    }

    /// `retract` for a caller that must not hold a thread while the group commits.
    func retract(id raw: String, level: String? = nil, reason: String, actor: String = "local") async throws -> Retraction {
        try await ledger.submit(retractJob(id: raw, level: level, reason: reason, actor: actor))
    }

    private func retractJob(id raw: String, level: String?, reason: String, actor: String) throws
        -> @Sendable (inout WriteContext) throws -> Retraction
    {
        let id = try Self.recordID(raw)
        guard !reason.isEmpty, reason.utf8.count <= ModelLimits.maxReasonBytes else {
            throw SiteError.refused(
                .badRequest, "a retraction needs a reason of 1 to \(ModelLimits.maxReasonBytes) bytes")
        }
        return { [self] context in try prepareRetract(id: id, level: level, reason: reason, actor: actor, in: &context) }
    }

    private func prepareReclassify(
        id: RecordID, to level: String, from requested: String?, actor: String, in context: inout WriteContext
    ) throws -> RecordState {
        let held = try records.heldByLevel(id, in: context)
        let current: RecordState
        if let requested {
            current = try records.choose(id, level: requested, among: held, forWrite: true)
        } else {
            let movable = held.filter { $0.key != level }
            guard !movable.isEmpty else {
                if held[level] != nil { throw SiteError.refused(.invalidRecord, "record \(id) is already \(level)") }
                throw records.notHeld(id, level: nil)
            }
            current = try records.choose(id, level: nil, among: movable, forWrite: true)
        }
        let from = current.level
        guard from != level else {
            throw SiteError.refused(.invalidRecord, "record \(id) is already \(level)")
        }
        let rowKey = rowKey(id, level: from)
        let targetKey = self.rowKey(id, level: level)
        let target = try heldState(id, rowKey: targetKey, in: context)
        guard let origin = originAgency(of: current, devices: context.devices) else {
            throw SiteError.failed("the device that created record \(id) is not known here")
        }
        let agency = identity.certificate.agency.value
        if identity.levels.isAtOrBelow(level, from), !downgradeRule(in: context).allows(agency: agency, origin: origin)
        {
            throw SiteError.refused(
                .downgradeNotAllowed,
                "record \(id) was created by \(origin); the charter lets only that agency lower its classification")
        }
        let redact = try storeAccess { try database.recordDeltas(key: rowKey, level: from) }.map(\.id)
        let hlc = context.clock.now()
        let snapshot = Change(
            author: identity.deviceID, level: level, hlc: hlc,
            operations: [.reclassify(record: id, from: from, origin: origin)] + Self.snapshotOperations(current))
        let tombstone = Change(
            author: identity.deviceID, level: from, hlc: hlc,
            operations: [
                .withdraw(
                    record: id, reason: "reclassified", redact: Array(redact.suffix(ModelLimits.maxRedactedDeltas)),
                    to: level)
            ])
        let (moved, movedEpoch, movedKey) = try records.sealOwn(snapshot, in: &context)
        let (withdrawn, _, _) = try records.sealOwn(tombstone, in: &context)
        var record = target ?? RecordState.new(id: id, level: level, first: snapshot.stamp)
        for operation in snapshot.operations { try record.apply(operation, stamp: snapshot.stamp) }
        let now = Int64(Date().timeIntervalSince1970)
        try withdrawRecord(
            id, rowKey: rowKey, level: from, stamp: tombstone.stamp, retracted: false, listed: redact, in: &context)
        context.batch.redaction.removedRecords.remove(targetKey)
        context.stage(
            record, rowKey: targetKey, previous: target, deltaID: moved.id, epoch: movedEpoch, key: movedKey, at: now)
        // The audit entry names the deltas, never the record's id or contents.
        context.audit(
            "record.reclassified", actor: actor,
            detail: ["delta": Hex.encode(moved.id), "withdrawn": Hex.encode(withdrawn.id), "from": from, "to": level])
        logger.info("record.reclassified", metadata: ["record.level": "\(level)", "record.from": "\(from)"])
        return record
    }

    private func prepareRetract(id: RecordID, level: String?, reason: String, actor: String, in context: inout WriteContext) throws
        -> Retraction
    {
        let current = try records.choose(id, level: level, among: records.heldByLevel(id, in: context), forWrite: true)
        let rowKey = rowKey(id, level: current.level)
        guard let origin = originAgency(of: current, devices: context.devices) else {
            throw SiteError.failed("the device that created record \(id) is not known here")
        }
        // A retraction erases another agency's information everywhere: the same charter rule
        // as a downgrade decides who may.
        guard downgradeRule(in: context).allows(agency: identity.certificate.agency.value, origin: origin) else {
            throw SiteError.refused(
                .downgradeNotAllowed,
                "record \(id) was created by \(origin); the charter lets only that agency retract it")
        }
        let redact = try storeAccess { try database.recordDeltas(key: rowKey, level: current.level) }.map(\.id)
        let change = Change(
            author: identity.deviceID, level: current.level, hlc: context.clock.now(),
            operations: [
                .withdraw(
                    record: id, reason: reason, redact: Array(redact.suffix(ModelLimits.maxRedactedDeltas)), to: nil)
            ])
        let (tombstone, _, _) = try records.sealOwn(change, in: &context)
        let redacted = try withdrawRecord(
            id, rowKey: rowKey, level: current.level, stamp: change.stamp, retracted: true, listed: redact, in: &context
        )
        context.audit(
            "record.retracted", actor: actor, detail: ["delta": Hex.encode(tombstone.id), "level": current.level])
        logger.info(
            "record.retracted", metadata: ["record.level": "\(current.level)", "deltas.redacted": "\(redacted)"])
        return Retraction(id: id, level: current.level, tombstone: tombstone.id, redacted: redacted)
    }


    /// The record's current content as plain operations: its type, every field's winning value,
    /// every present tag, and its deletion. Open conflicts are settled in favour of the winner
    /// (a reclassification is a fresh start at the new level).
    static func snapshotOperations(_ state: RecordState) -> [CairnModel.Operation] {
        let view = state.view()
        var operations: [CairnModel.Operation] = []
        if let type = view.type { operations.append(.setType(record: state.id, type: type)) }
        for name in view.fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            operations.append(
                .setField(record: state.id, name: name, value: view.fields[name], observed: CausalContext()))
        }
        for tag in view.tags { operations.append(.addTag(record: state.id, tag: tag)) }
        if state.isDeleted { operations.append(.delete(record: state.id)) }
        return operations
    }
}
