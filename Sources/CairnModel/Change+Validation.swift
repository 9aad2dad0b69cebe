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
            case .removeTag, .delete:
                break
            }
            guard bytes <= ModelLimits.maxRecordBytes else {
                throw ModelError.recordTooLarge(record, estimatedBytes: bytes, limit: ModelLimits.maxRecordBytes)
            }
        }
    }
}
