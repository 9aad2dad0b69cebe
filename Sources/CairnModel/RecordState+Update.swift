extension RecordState {
    /// Builds the operations of a local update, filling every `observed` context from what this
    /// replica holds, so the update supersedes exactly what its author could see.
    ///
    /// - `current` is the record as held locally, `nil` for a new record; a new record needs a
    ///   `type` (`ModelError.missingType`) and a deleted one cannot be updated
    ///   (`ModelError.recordDeleted`).
    /// - Only what is given changes: `setFields` maps names to new values (`nil` removes the
    ///   field), `addTags` and `removeTags` list tags. A type equal to the current one, a field
    ///   value equal to the field's sole current value, and removals of tags never seen are left
    ///   out (re-sending a whole record must not re-stamp old values over concurrent edits).
    ///   Re-adding a present tag is kept: tags are add-wins, and the add is the user's intent.
    /// - Everything is validated, including the record-wide limits on the resulting record.
    ///
    /// Returns the operations in a stable order (type, fields by name, tags by name); the list is
    /// empty only when nothing would change.
    public static func updateOperations(
        current: RecordState?, id: RecordID, type: String?, setFields: [String: FieldValue?],
        addTags: [String], removeTags: [String]
    ) throws -> [Operation] {
        if let current {
            guard current.id == id else { throw ModelError.recordMismatch(expected: current.id, found: id) }
            guard !current.isDeleted else { throw ModelError.recordDeleted(id) }
        } else if type == nil {
            throw ModelError.missingType(id)
        }
        let adding = Set(addTags)
        let removing = Set(removeTags)
        if let both = adding.intersection(removing).min(by: byBytes) {
            throw ModelError.conflictingTagUpdate(id, tag: both)
        }
        try checkSyntax(type: type, setFields: setFields, tags: adding.union(removing))
        try checkLimits(current: current, id: id, type: type, setFields: setFields, adding: adding, removing: removing)

        var operations: [Operation] = []
        if let type, current?.type != type {
            operations.append(.setType(record: id, type: type))
        }
        for name in setFields.keys.sorted(by: byBytes) {
            // Writing the value a field already has, with no conflict to settle, would only
            // re-stamp it and could override a concurrent edit elsewhere: leave it out.
            if let register = current?.fields[name], register.conflicts.isEmpty,
                let winner = register.winner, winner.value == (setFields[name] ?? nil)
            {
                continue
            }
            let observed = current?.fields[name]?.knowledge ?? CausalContext()
            operations.append(.setField(record: id, name: name, value: setFields[name] ?? nil, observed: observed))
        }
        for tag in adding.sorted(by: byBytes) {
            operations.append(.addTag(record: id, tag: tag))
        }
        for tag in removing.sorted(by: byBytes) {
            guard let observed = current?.tags[tag]?.knowledge, !observed.isEmpty else { continue }
            operations.append(.removeTag(record: id, tag: tag, observed: observed))
        }
        return operations
    }

    /// The operations that delete a record held locally; refuses to delete twice.
    public static func deleteOperations(current: RecordState) throws -> [Operation] {
        guard !current.isDeleted else { throw ModelError.recordDeleted(current.id) }
        return [.delete(record: current.id)]
    }

    private static func checkSyntax(type: String?, setFields: [String: FieldValue?], tags: Set<String>) throws {
        if let type { try Validate.recordType(type) }
        for (name, value) in setFields {
            try Validate.fieldName(name)
            if let value { try Validate.fieldValue(value) }
        }
        for tag in tags {
            try Validate.tag(tag)
        }
    }

    /// Checks the record as it would read after the update against the record-wide limits.
    /// Conflicting values are not counted: they are transient and writing clears them.
    private static func checkLimits(
        current: RecordState?, id: RecordID, type: String?, setFields: [String: FieldValue?],
        adding: Set<String>, removing: Set<String>
    ) throws {
        let view = current?.view()
        guard setFields.count <= ModelLimits.maxFieldsPerRecord else {
            throw ModelError.tooManyFields(id, count: setFields.count, limit: ModelLimits.maxFieldsPerRecord)
        }
        var fields = view?.fields ?? [:]
        for (name, value) in setFields {
            fields[name] = value  // nil removes the key, as the update removes the field
        }
        let tags = Set(view?.tags ?? []).union(adding).subtracting(removing)
        guard fields.count <= ModelLimits.maxFieldsPerRecord else {
            throw ModelError.tooManyFields(id, count: fields.count, limit: ModelLimits.maxFieldsPerRecord)
        }
        guard tags.count <= ModelLimits.maxTagsPerRecord else {
            throw ModelError.tooManyTags(id, count: tags.count, limit: ModelLimits.maxTagsPerRecord)
        }
        let bytes = RecordSize.estimate(type: type ?? view?.type, fields: fields, tags: tags)
        guard bytes <= ModelLimits.maxRecordBytes else {
            throw ModelError.recordTooLarge(id, estimatedBytes: bytes, limit: ModelLimits.maxRecordBytes)
        }
    }

    private static func byBytes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
