extension Change {
    /// Checks that the change is well formed and within `ModelLimits`, throwing the first problem.
    ///
    /// Peers run this on every received change before applying it, and writers before sealing,
    /// so both sides agree on what is acceptable. Beyond syntax and limits it refuses a change
    /// that writes one field, tag, type or deletion of a record twice (its meaning would depend on
    /// operation order) and one whose `observed` context covers its own stamp (the write would be
    /// invisible from the start, which only a faulty author produces).
    ///
    /// It cannot check that the level is declared by the charter or that the records touched live
    /// at this level; `LevelLattice` and `RecordSet.apply(_:)` do that.
    public func validate() throws {
        try LevelLattice.validateName(level)
        guard !operations.isEmpty else { throw ModelError.emptyChange }
        guard operations.count <= ModelLimits.maxOperationsPerChange else {
            throw ModelError.tooManyOperations(count: operations.count, limit: ModelLimits.maxOperationsPerChange)
        }
        var targets: Set<Target> = []
        var tallies: [RecordID: Tally] = [:]
        for operation in operations {
            let record = operation.record
            let target = try validate(operation)
            guard targets.insert(target).inserted else {
                throw ModelError.duplicateOperation(record, target: target.label)
            }
            try tallies[record, default: Tally()].add(operation, record: record)
        }
        try validateReclassification()
    }

    /// A withdrawal stands alone in its change; a reclassification marker shares its change only
    /// with the snapshot of the same record, and never names the change's own level.
    private func validateReclassification() throws {
        for operation in operations {
            switch operation {
            case .withdraw(let record, _, _, _):
                guard operations.count == 1 else {
                    throw ModelError.invalidReclassification(record, reason: "a withdrawal must be alone in its change")
                }
            case .reclassify(let record, let from, _):
                guard from != level else {
                    throw ModelError.invalidReclassification(record, reason: "it moves the record to the level it is at")
                }
                guard operations.allSatisfy({ $0.record == record }) else {
                    throw ModelError.invalidReclassification(record, reason: "its change touches another record")
                }
            default:
                break
            }
        }
    }

    /// Checks one operation on its own and names what it writes.
    private func validate(_ operation: Operation) throws -> Target {
        let stamp = self.stamp
        switch operation {
        case .setType(let record, let type):
            try Validate.recordType(type)
            return Target(record: record, label: "the type")
        case .setField(let record, let name, let value, let observed):
            try Validate.fieldName(name)
            if let value { try Validate.fieldValue(value) }
            let target = Target(record: record, label: "field '\(name)'")
            guard !observed.covers(stamp) else { throw ModelError.observedOwnWrite(record, target: target.label) }
            return target
        case .addTag(let record, let tag):
            try Validate.tag(tag)
            return Target(record: record, label: "tag '\(tag)'")
        case .removeTag(let record, let tag, let observed):
            try Validate.tag(tag)
            let target = Target(record: record, label: "tag '\(tag)'")
            guard !observed.covers(stamp) else { throw ModelError.observedOwnWrite(record, target: target.label) }
            return target
        case .delete(let record):
            return Target(record: record, label: "the deletion")
        case .reclassify(let record, let from, let origin):
            do {
                try LevelLattice.validateName(from)
            } catch {
                throw ModelError.invalidReclassification(record, reason: "'\(from.prefix(80))' is not a level name")
            }
            guard Validate.isAgencyName(origin) else {
                throw ModelError.invalidReclassification(record, reason: "'\(origin.prefix(80))' is not an agency name")
            }
            return Target(record: record, label: "the classification")
        case .withdraw(let record, let reason, let redact, let to):
            if let to {
                do {
                    try LevelLattice.validateName(to)
                } catch {
                    throw ModelError.invalidReclassification(record, reason: "'\(to.prefix(80))' is not a level name")
                }
                guard to != level else {
                    throw ModelError.invalidReclassification(record, reason: "it withdraws the record to the level it is at")
                }
            }
            guard !reason.isEmpty, reason.utf8.count <= ModelLimits.maxReasonBytes else {
                throw ModelError.invalidReclassification(
                    record, reason: "the reason must be 1 to \(ModelLimits.maxReasonBytes) bytes")
            }
            guard redact.count <= ModelLimits.maxRedactedDeltas else {
                throw ModelError.invalidReclassification(
                    record, reason: "it lists \(redact.count) deltas, over the limit of \(ModelLimits.maxRedactedDeltas)")
            }
            guard redact.allSatisfy({ $0.count == 32 }) else {
                throw ModelError.invalidReclassification(record, reason: "a delta id is not 32 bytes")
            }
            return Target(record: record, label: "the withdrawal")
        }
    }

    /// One thing a change writes: a record's type, a field, a tag or its deletion.
    private struct Target: Hashable {
        var record: RecordID
        var label: String
    }

    /// What one change writes into one record, checked against the per-record limits.
    private struct Tally {
        var fields = 0
        var tags = 0
        var bytes = 2

        mutating func add(_ operation: Operation, record: RecordID) throws {
            switch operation {
            case .setType(_, let type):
                bytes += FieldValue.encodedSizeEstimate(of: type)
            case .setField(_, let name, let value, _):
                fields += 1
                bytes += RecordSize.field(name: name, value: value)
                guard fields <= ModelLimits.maxFieldsPerRecord else {
                    throw ModelError.tooManyFields(record, count: fields, limit: ModelLimits.maxFieldsPerRecord)
                }
            case .addTag(_, let tag):
                tags += 1
                bytes += FieldValue.encodedSizeEstimate(of: tag) + 1
                guard tags <= ModelLimits.maxTagsPerRecord else {
                    throw ModelError.tooManyTags(record, count: tags, limit: ModelLimits.maxTagsPerRecord)
                }
            case .removeTag, .delete, .reclassify, .withdraw:
                break
            }
            guard bytes <= ModelLimits.maxRecordBytes else {
                throw ModelError.recordTooLarge(record, estimatedBytes: bytes, limit: ModelLimits.maxRecordBytes)
            }
        }
    }
}
