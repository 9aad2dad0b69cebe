/// A value that lost a concurrent write but that no one has overwritten knowingly yet.
///
/// Conflicts are shown rather than dropped so that a person decides which value is right; writing
/// the field again clears them.
public struct ConflictValue: Hashable, Sendable {
    /// The losing value; `nil` when the losing write removed the field.
    public var value: FieldValue?
    /// Who wrote it and when, so a person can judge.
    public var stamp: Stamp

    /// Builds a conflict entry.
    public init(value: FieldValue?, stamp: Stamp) {
        self.value = value
        self.stamp = stamp
    }
}

/// A record as a reader sees it: the winning values, the open conflicts and the present tags,
/// without the merge bookkeeping of `RecordState`.
public struct RecordView: Hashable, Sendable {
    /// The record's id.
    public var id: RecordID
    /// Its classification level.
    public var level: String
    /// Its type; `nil` only while the write that set it has not arrived yet.
    public var type: String?
    /// The winning value of each field; removed fields are absent.
    public var fields: [String: FieldValue]
    /// The losing concurrent values of fields that have any, newest first. A field may appear
    /// here and not in `fields` when the winning write removed it.
    public var conflicts: [String: [ConflictValue]]
    /// The present tags, sorted by their UTF-8 bytes.
    public var tags: [String]
    /// The stamp of the deletion, if the record is deleted.
    public var deleted: Stamp?
    /// The earliest stamp of the record.
    public var created: Stamp
    /// The latest stamp of the record.
    public var updated: Stamp

    /// Builds a view, for tests and for readers that rebuild one.
    public init(
        id: RecordID, level: String, type: String?, fields: [String: FieldValue],
        conflicts: [String: [ConflictValue]], tags: [String], deleted: Stamp?, created: Stamp, updated: Stamp
    ) {
        self.id = id
        self.level = level
        self.type = type
        self.fields = fields
        self.conflicts = conflicts
        self.tags = tags
        self.deleted = deleted
        self.created = created
        self.updated = updated
    }
}
