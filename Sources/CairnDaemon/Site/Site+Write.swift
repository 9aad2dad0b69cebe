import CairnControl
import CairnModel
import CairnProtocol
import CairnStore
import Foundation

extension Site {
    /// Applies a local change to one record: builds its operations from the record as held
    /// (after every earlier write, so no concurrent write is lost), seals and signs the delta,
    /// updates the materialized state, and commits both durably — grouped with whatever other
    /// writes arrived meanwhile (see `GroupCommit`).
    ///
    /// Returns the new state and whether the record was created.
    func writeRecord(
        id: RecordID, level requestedLevel: String?, actor: String, auditKind: String,
        operations build: @escaping @Sendable (RecordState?) throws -> [CairnModel.Operation]
    ) throws -> (RecordState, created: Bool) {
        let outcome = try writes.submit({ [self] context in
            try prepareWrite(id: id, level: requestedLevel, actor: actor, auditKind: auditKind, build: build, in: &context)
        }, run: runGroup)
        return (outcome.state!, outcome.created)
    }

    /// Appends an entry to the audit log (through the commit queue, so the chain has one
    /// writer), and returns once it is durable.
    func audit(_ kind: String, actor: String, detail: [String: String]) throws {
        _ = try writes.submit({ context in
            context.audit(kind, actor: actor, detail: detail)
            return (nil, false)
        }, run: runGroup)
    }

    /// Builds one write into the group's context; refuses it (without touching the context's
    /// batch) if it is invalid.
    private func prepareWrite(
        id: RecordID, level requestedLevel: String?, actor: String, auditKind: String,
        build: (RecordState?) throws -> [CairnModel.Operation], in context: inout WriteContext
    ) throws -> GroupCommit.Outcome {
        let held = try heldByLevel(id, in: context)
        let level: String
        let existing: RecordState?
        if let requestedLevel, let record = held[requestedLevel] {
            (level, existing) = (requestedLevel, record)
        } else if let requestedLevel, let other = highestFirst(held.keys).first {
            // This site holds the id elsewhere only. A site that cannot see `other` could create
            // the id at `requestedLevel` (records are named by id and level), but here the
            // caller sees both, and one id at two levels is only confusing: it is refused.
            try checkLevel(requestedLevel)
            throw DaemonError.request(
                .classificationMismatch,
                "record \(id) is \(other); a write cannot change its classification: use `cairn record reclassify \(id) --class \(requestedLevel)`")
        } else if requestedLevel == nil, !held.isEmpty {
            existing = try choose(id, level: nil, among: held, forWrite: true)
            level = existing!.level
        } else {
            if try isRetracted(id, level: nil) {
                throw DaemonError.request(.recordRetracted, "record \(id) was retracted; its id cannot be used again")
            }
            guard let requestedLevel else {
                throw DaemonError.request(.invalidRecord, "a new record needs a classification (one of \(identity.readableLevels.joined(separator: ", ")))")
            }
            if try recordWithdrawal(rowKey: rowKey(id, level: requestedLevel), level: requestedLevel, in: context) != nil {
                throw DaemonError.request(
                    .classificationMismatch, "record \(id) was reclassified away from \(requestedLevel); its id cannot be reused there")
            }
            (level, existing) = (requestedLevel, nil)
        }
        let rowKey = rowKey(id, level: level)
        try checkLevel(level)
        let operations: [CairnModel.Operation]
        do {
            operations = try build(existing)
        } catch let error as ModelError {
            throw DaemonError.from(error)
        }
        if operations.isEmpty {
            // Nothing would change: no delta is written.
            if let existing { return (existing, false) }
            throw DaemonError.request(.invalidRecord, "nothing to write")
        }
        guard context.keyring.current(level: level) != nil else {
            throw DaemonError.request(.unavailable, "this site holds no key for \(level) yet")
        }
        let change = Change(author: identity.deviceID, level: level, hlc: context.clock.now(), operations: operations)
        // Sealed and appended to the group's batch; the group is dropped if this write fails below.
        let (delta, epoch, key) = try sealOwn(change, in: &context)
        var record = existing ?? RecordState.new(id: id, level: level, first: change.stamp)
        for operation in operations {
            try record.apply(operation, stamp: change.stamp)
        }
        let now = Int64(Date().timeIntervalSince1970)
        context.stage(record, rowKey: rowKey, previous: existing, deltaID: delta.id, epoch: epoch, key: key, at: now)
        // The audit entry names the delta, never the record's id or contents.
        context.audit(
            auditKind, actor: actor,
            detail: ["delta": Hex.encode(delta.id), "level": level, "created": existing == nil ? "true" : "false"])
        logger.debug(
            "record.written",
            metadata: ["record.level": "\(level)", "delta.sequence": "\(delta.header.sequence)", "delta.ops": "\(operations.count)"])
        return (record, existing == nil)
    }

    /// The leader's part of group commit: builds every job of the group in order, commits the
    /// batch once, then publishes the new heads and each job's result.
    func runGroup(_ jobs: [GroupCommit.Job]) {
        let (start, counts, unsaved) = state.withLock { state in
            (
                WriteContext(
                    clock: state.clock, heads: state.heads, keyring: state.keyring, streams: state.streams,
                    devices: state.devices, grantsSeen: state.grantsSeen, withdrawals: state.withdrawals,
                    charter: state.charter, auditHead: state.auditHead, auditBreaks: state.auditBreaks),
                state.deletedCounts, state.deletedCountsUnsaved
            )
        }
        var context = start
        var built: [(GroupCommit.Job, GroupCommit.Outcome)] = []
        for job in jobs {
            var attempt = context
            do {
                let outcome = try job.work(&attempt)
                context = attempt
                built.append((job, outcome))
            } catch {
                job.result = .failure(error)
            }
        }
        // The deleted counts move in the same transaction as the records they count.
        let deletions = context.deletions
        var newCounts: [String: Int]?
        if let counts {
            newCounts = DeletedTally.adding(deletions, to: counts)
            if unsaved || !deletions.isEmpty { context.batch.meta[MetaKey.deletedTally] = sealTally(newCounts!) }
        } else if !deletions.isEmpty {
            // Not known: a tally left in the store would now be wrong.
            context.batch.meta[MetaKey.deletedTally] = []
        }
        var failure: (any Error)?
        if !context.batch.isEmpty {
            context.batch.meta[MetaKey.clock] = ClockMark.encode(context.clock.last)
            do {
                try commitContinuingAuditChain(&context)
            } catch {
                failure = error
            }
        }
        state.withLock { state in
            state.clock = context.clock  // never backwards, even if the commit failed
            guard failure == nil else { return }
            state.heads = context.heads
            state.auditHead = context.auditHead
            state.auditBreaks = context.auditBreaks
            state.streams = context.streams
            state.keyring = context.keyring
            state.devices = context.devices
            state.grantsSeen = context.grantsSeen
            state.withdrawals = context.withdrawals
            state.charter = context.charter
            if !context.batch.records.isEmpty || !context.batch.redaction.removedRecords.isEmpty { state.recordGeneration &+= 1 }
            if let newCounts {
                state.deletedCounts = newCounts
                state.deletedCountsUnsaved = false
            } else if !deletions.isEmpty {
                // A count may have been taken while this group committed: count again next time.
                state.deletedCounts = nil
            }
        }
        if failure == nil { auditCommitted(context) }
        for (job, outcome) in built {
            job.result = failure.map { .failure($0) } ?? .success(outcome)
        }
        if failure == nil, !changes.isEmpty {
            publishChanges(context.changes)
        }
        if failure == nil, !context.backlogLeft.isEmpty {
            backlog.schedule(self)
        }
        if failure == nil, context.withdrawalLeft {
            withdrawalDrain.schedule(self)
        }
        if failure == nil, context.withdrew {
            // Before the deltas: a peer must learn of the withdrawal before it receives (and
            // passes on) the grants of the keys rotated because of it, or it could grant them to
            // the withdrawn device itself. Frames on one connection arrive in order.
            withdrawalFeed.publish(())
        }
        if failure == nil, !context.batch.deltas.isEmpty {
            deltaFeed.publish(context.batch.deltas.compactMap { delta in
                // Authors of a committed batch are verified device ids; this only names the streams.
                (try? DeviceID(delta.author)).map { (StreamID(author: $0, level: delta.level), delta.sequence) }
            })
        }
        if failure == nil, !context.batch.isEmpty {
            metrics.count("cairn_commit_groups_total")
            for delta in context.batch.deltas {
                let origin = delta.author == identity.deviceID.bytes ? "local" : "peer"
                metrics.count("cairn_deltas_stored_total", [("level", delta.level), ("origin", origin)])
            }
        } else if failure != nil {
            metrics.count("cairn_commit_failures_total")
        }
        logger.trace("store.group_committed", metadata: ["group.size": "\(jobs.count)", "group.deltas": "\(context.batch.deltas.count)"])
    }

    /// One change-stream line per committed record write, in commit order.
    private func publishChanges(_ changes: [(state: RecordState, created: Bool, deltaID: [UInt8])]) {
        for change in changes {
            let event = change.created ? "record.created" : (change.state.isDeleted ? "record.deleted" : "record.updated")
            let document = WatchEvent(event: event, record: mapping.document(change.state), delta: Hex.encode(change.deltaID))
            // Encoding a document of strings and numbers cannot fail; a watcher missing a line
            // still sees the record in `get` and `list`.
            guard let line = try? ControlJSON.compactEncoder().encode(document) else { continue }
            self.changes.publish(Array(line) + [UInt8(ascii: "\n")])
        }
    }

    /// Commits a batch, translating store failures into a daemon error that says what happened.
    func commit(_ batch: WriteBatch) throws {
        do {
            try database.commit(batch)
        } catch {
            logger.error("store.commit_failed", metadata: .error(error))
            throw DaemonError.request(.internal, "the write could not be stored: \(error)")
        }
    }
}

extension NewDelta {
    /// The store row of a sealed delta, its envelope kept verbatim.
    init(_ delta: SealedDelta, receivedAt: Int64) {
        self.init(
            id: delta.id, author: delta.header.author.bytes, level: delta.header.level,
            sequence: delta.header.sequence, kind: delta.header.kind.rawValue,
            hlcWall: delta.header.hlc.wallMillis, hlcCounter: delta.header.hlc.counter,
            envelope: delta.envelope, receivedAt: receivedAt)
    }
}

/// Keys of the store's `meta` table that the daemon uses.
enum MetaKey {
    static let clock = "hlc.high-water"
    static let indexKey = "index-key.sealed"
    static let charter = "charter"
    static let device = "device.signing-key"
    static let deletedTally = "records.deleted-tally.sealed"
}

/// The HLC high-water mark persisted with every write, so the clock never goes backwards
/// across restarts even if the wall clock does.
enum ClockMark {
    static func encode(_ hlc: HLCTimestamp) -> [UInt8] {
        withUnsafeBytes(of: hlc.wallMillis.bigEndian, Array.init) + withUnsafeBytes(of: hlc.counter.bigEndian, Array.init)
    }

    static func decode(_ bytes: [UInt8]) -> HLCTimestamp? {
        guard bytes.count == 12 else { return nil }
        let wall = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let counter = bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return HLCTimestamp(wallMillis: wall, counter: counter)
    }
}
