import CairnModel
import CairnProtocol
import CairnStore
import CairnTrust

/// Withdrawing a record from a level, shared by the local write path (reclassify, retract) and
/// by ingest (a received tombstone): drop the record's row when it lives at that level, replace
/// the envelopes of its deltas there by their redacted form (same id, body gone), and remember
/// the withdrawal so that its deltas arriving later are redacted on arrival and never applied.
extension WithdrawalService {
    /// The record as this group sees it: staged earlier in the group, else stored; `nil` when
    /// unknown or withdrawn earlier in the group.
    func heldState(_ id: RecordID, rowKey: [UInt8], in context: WriteContext) throws -> RecordState? {
        if context.batch.redaction.removedRecords.contains(rowKey) { return nil }
        if let pending = context.pending[rowKey] { return pending }
        if let stored = context.prefetched.record(rowKey) {
            return try stored.map { try open($0, keyring: context.keyring) }
        }
        return try storeAccess { try database.record(key: rowKey) }.map { try open($0, keyring: context.keyring) }
    }

    /// The newest withdrawal of a record from `level` (from this group or the store), with
    /// `retracted` set if any withdrawal there was a retraction. A store that cannot be read
    /// fails the job: it never means "not withdrawn".
    func recordWithdrawal(rowKey: [UInt8], level: String, in context: WriteContext) throws -> (stamp: Stamp, retracted: Bool)?
    {
        let stored = try context.prefetched.withdrawals(of: rowKey)
            ?? storeRead(.withdrawal) { try database.recordWithdrawals(key: rowKey) }
        let rows =
            stored.filter { $0.level == level }
            + context.batch.redaction.recordWithdrawals.filter { $0.recordKey == rowKey && $0.level == level }
        var newest: (stamp: Stamp, retracted: Bool)?
        for row in rows {
            let author: DeviceID
            do {
                author = try DeviceID(row.author)
            } catch {
                storeFailed(.withdrawal, error)
                throw SiteError.failed("a stored withdrawal names no device (\(error)); the store may be damaged")
            }
            let stamp = Stamp(hlc: HLCTimestamp(wallMillis: row.hlcWall, counter: row.hlcCounter), author: author)
            newest = (max(newest?.stamp ?? stamp, stamp), (newest?.retracted ?? false) || row.retracted)
        }
        return newest
    }

    /// The charter's downgrade rule, from the newest charter (an amendment accepted in this
    /// group included).
    func downgradeRule(in context: WriteContext) -> DowngradeRule {
        (context.charter ?? identity.charter).downgrade
    }

    /// The agency that created a record: named by its last reclassification, else the agency of
    /// the device that wrote its first stamp.
    func originAgency(of state: RecordState, devices: KnownDevices) -> String? {
        state.originAgency ?? devices.certificate(state.created.author)?.agency.value
    }

    /// Withdraws a record from `level` inside the group. `listed` are the delta ids the
    /// withdrawal names; only those this site links to the record, or to no record at all (held
    /// without their key), are redacted, so a tombstone cannot reach into other records.
    /// Returns how many envelopes were redacted. Throws when the store cannot be read: a
    /// withdrawal that cannot find what to redact fails its job rather than leave it readable.
    @discardableResult
    func withdrawRecord(
        _ id: RecordID, rowKey: [UInt8], level: String, stamp: Stamp, retracted: Bool, listed: [[UInt8]],
        in context: inout WriteContext
    ) throws -> Int {
        if let held = try heldState(id, rowKey: rowKey, in: context), held.level == level {
            context.noteBase(rowKey, held)
            context.batch.redaction.removedRecords.insert(rowKey)
            context.pending.removeValue(forKey: rowKey)
        }
        context.batch.redaction.recordWithdrawals.append(
            RecordWithdrawalRow(
                recordKey: rowKey, level: level, hlcWall: stamp.hlc.wallMillis, hlcCounter: stamp.hlc.counter,
                author: stamp.author.bytes, retracted: retracted))
        var targets: Set<[UInt8]> = []
        for (deltaID, _) in try storeRead(.withdrawal, { try database.recordDeltas(key: rowKey, level: level) }) {
            targets.insert(deltaID)
        }
        let inGroupLinks = Set(context.batch.links.filter { $0.recordKey == rowKey }.map(\.deltaID))
        for delta in context.batch.deltas where delta.level == level && inGroupLinks.contains(delta.id) {
            targets.insert(delta.id)
        }
        for deltaID in listed where !targets.contains(deltaID) {
            let linked = try storeRead(.withdrawal) { try database.recordKeys(linkedTo: deltaID) }
            if linked.isEmpty || linked.contains(rowKey) { targets.insert(deltaID) }
        }
        var redacted = 0
        for deltaID in targets where try redact(deltaID, level: level, in: &context) { redacted += 1 }
        return redacted
    }

    /// Replaces one delta's envelope by its redacted form: in the group's batch if it is stored
    /// by this group (so its body never reaches the disk), else in the store. Only a RECORDS
    /// delta of `level` is redacted (false for anything else, or one already redacted, or not
    /// held). A store that cannot be read, or a held envelope that does not parse, fails the job:
    /// it never means "nothing to redact".
    @discardableResult
    func redact(_ deltaID: [UInt8], level: String, in context: inout WriteContext) throws -> Bool {
        if let index = context.batch.deltas.firstIndex(where: { $0.id == deltaID }) {
            guard context.batch.deltas[index].level == level,
                let redacted = try redactedForm(context.batch.deltas[index].envelope)
            else { return false }
            context.batch.deltas[index].envelope = redacted
            return true
        }
        guard context.batch.redaction.envelopes[deltaID] == nil,
            let stored = try storeRead(.redaction, { try database.delta(id: deltaID) }), stored.level == level,
            let redacted = try redactedForm(stored.envelope)
        else { return false }
        context.batch.redaction.envelopes[deltaID] = redacted
        return true
    }

    /// The redacted form of a held RECORDS envelope; nil for a grant or one already redacted.
    private func redactedForm(_ envelope: [UInt8]) throws -> [UInt8]? {
        do {
            let delta = try SealedDelta.parse(envelope)
            guard delta.header.kind == .records, !delta.isRedacted else { return nil }
            return try delta.redacted().envelope
        } catch {
            storeFailed(.redaction, error)
            throw SiteError.failed("a held delta could not be redacted (\(error)); the store may be damaged")
        }
    }
}

/// How a received change may touch one record.
enum RecordAdmission {
    /// The record was withdrawn from the change's level: the change is redacted, not applied.
    case withdrawn
    /// A reclassification that breaks a rule: stored, not applied (logged and audited).
    case refused(String)
    /// Apply the change onto `state`; `previous` is what was held (for the change stream).
    case apply(state: RecordState, previous: RecordState?)
}

extension WithdrawalService {
    /// Decides how a received change (of a verified, opened delta) may touch the record with
    /// this id at the change's level (`rowKey`): the withdrawal rules first, then the
    /// reclassification marker's rules. Records are named by id and level, so whatever this
    /// site holds with the id at other levels does not decide it (Docs/DataModel.md), except
    /// that a reclassification must name the origin of the record it moves, when held.
    func admission(of change: Change, record id: RecordID, rowKey: [UInt8], in context: WriteContext) throws
        -> RecordAdmission
    {
        let previous = try heldState(id, rowKey: rowKey, in: context)
        var marker: (from: String, origin: String)?
        for case .reclassify(let record, let from, let origin) in change.operations where record == id {
            marker = (from, origin)
        }
        if let withdrawal = try recordWithdrawal(rowKey: rowKey, level: change.level, in: context) {
            // Only a later move back to this level (or a write to the record after it moved
            // back) is applied; anything else of the withdrawn record is dropped on arrival.
            let movesIn = marker != nil || previous != nil
            if withdrawal.retracted || !movesIn || change.stamp <= withdrawal.stamp { return .withdrawn }
        }
        if let marker {
            guard let author = context.devices.certificate(change.author) else { return .refused("unknown_author") }
            guard identity.levels.contains(marker.from), identity.levels.isAtOrBelow(marker.from, author.clearance)
            else {
                return .refused("author_not_cleared_for_old_level")
            }
            if identity.levels.isAtOrBelow(marker.from, identity.clearance),
                let source = try heldState(id, rowKey: self.rowKey(id, level: marker.from), in: context),
                let held = originAgency(of: source, devices: context.devices), held != marker.origin
            {
                return .refused("origin_mismatch")
            }
            let lowers = identity.levels.isAtOrBelow(change.level, marker.from)
            if lowers, !downgradeRule(in: context).allows(agency: author.agency.value, origin: marker.origin) {
                return .refused("downgrade_not_allowed")
            }
        }
        // A record moved here by a reclassification merges into a record with the same id
        // already held at this level (created by a site that could not see the old level), as
        // it does at every site holding this level.
        if let previous { return .apply(state: previous, previous: previous) }
        return .apply(state: RecordState.new(id: id, level: change.level, first: change.stamp), previous: nil)
    }

    /// A received tombstone: checks the charter's rule when the record is held at the level,
    /// then withdraws it. A refused one is stored (it is part of its stream) but not applied.
    /// Throws (failing the ingest batch) when the store cannot be read.
    func receiveWithdrawal(_ delta: SealedDelta, change: Change, in context: inout WriteContext) throws {
        guard case .withdraw(let id, _, let listed, let to) = change.operations.first else { return }
        let rowKey = rowKey(id, level: change.level)
        let held = try heldState(id, rowKey: rowKey, in: context)
        var dropHeld = true
        if let held, held.level == change.level {
            let lowers =
                to.map { !identity.levels.contains($0) || identity.levels.isAtOrBelow($0, change.level) } ?? true
            if lowers, let origin = originAgency(of: held, devices: context.devices),
                let author = context.devices.certificate(change.author),
                !downgradeRule(in: context).allows(agency: author.agency.value, origin: origin)
            {
                refuseReclassification(delta, reason: "downgrade_not_allowed", in: &context)
                return
            }
            // A tombstone older than the record's return to this level concerns an earlier stay.
            dropHeld = change.stamp > held.created
        }
        let redacted: Int
        if dropHeld {
            redacted = try withdrawRecord(
                id, rowKey: rowKey, level: change.level, stamp: change.stamp, retracted: to == nil, listed: listed,
                in: &context)
        } else {
            context.batch.redaction.recordWithdrawals.append(
                RecordWithdrawalRow(
                    recordKey: rowKey, level: change.level, hlcWall: change.hlc.wallMillis,
                    hlcCounter: change.hlc.counter,
                    author: change.author.bytes, retracted: to == nil))
            redacted = try listed.filter { try redact($0, level: change.level, in: &context) }.count
        }
        logger.info(
            "sync.record_withdrawn",
            metadata: [
                "delta.level": "\(change.level)", "record.retracted": "\(to == nil)", "deltas.redacted": "\(redacted)",
            ])
    }

    /// Logs and audits a reclassification or withdrawal that a rule refuses.
    func refuseReclassification(_ delta: SealedDelta, reason: String, in context: inout WriteContext) {
        let author = context.devices.displayName(delta.header.author)
        logger.warning(
            "sync.reclassification_refused",
            metadata: ["delta.author": "\(author)", "delta.level": "\(delta.header.level)", "reason": "\(reason)"])
        context.audit(
            "sync.reclassification_refused", actor: "peer:\(author)",
            detail: ["delta": Hex.encode(delta.id), "level": delta.header.level, "reason": reason])
    }
}
