/// The one error type of `CairnModel`.
///
/// Every validation in the model throws one of these instead of returning `nil`, so that a caller
/// (a peer rejecting a delta, the control API rejecting a request) can tell a person exactly what
/// was wrong and what to do about it.
public enum ModelError: Error, Hashable, Sendable {
    /// A device id was not a 32-byte Ed25519 public key.
    case invalidDeviceID(byteCount: Int)
    /// A hexadecimal string could not be decoded.
    case invalidHex(String)
    /// A remote clock is further ahead of ours than the allowed drift.
    case clockSkew(remote: HLCTimestamp, physicalMillis: UInt64, maxDriftMillis: UInt64)
    /// A charter declared no classification level.
    case emptyLattice
    /// A classification level name is malformed.
    case invalidLevelName(String)
    /// A classification level is listed twice in a charter.
    case duplicateLevel(String)
    /// A record id is malformed; `reason` says which rule it broke.
    case invalidRecordID(String, reason: String)
    /// A field name is malformed.
    case invalidFieldName(String)
    /// A tag is malformed.
    case invalidTag(String)
    /// A record type is malformed.
    case invalidRecordType(String)
    /// A field value holds a NaN or infinite number, which JSON cannot carry.
    case nonFiniteNumber
    /// A field value nests arrays and objects deeper than `ModelLimits.maxNestingDepth`.
    case nestingTooDeep(limit: Int)
    /// A field value is larger than `ModelLimits.maxFieldValueBytes`.
    case fieldValueTooLarge(estimatedBytes: Int, limit: Int)
    /// A record would hold more fields than `ModelLimits.maxFieldsPerRecord`.
    case tooManyFields(RecordID, count: Int, limit: Int)
    /// A record would hold more tags than `ModelLimits.maxTagsPerRecord`.
    case tooManyTags(RecordID, count: Int, limit: Int)
    /// A record would be larger than `ModelLimits.maxRecordBytes`.
    case recordTooLarge(RecordID, estimatedBytes: Int, limit: Int)
    /// A change carries no operation.
    case emptyChange
    /// A change carries more than `ModelLimits.maxOperationsPerChange` operations.
    case tooManyOperations(count: Int, limit: Int)
    /// A change writes the same thing twice, so its meaning would depend on operation order.
    case duplicateOperation(RecordID, target: String)
    /// A change claims to have observed its own write, which would make the write invisible.
    case observedOwnWrite(RecordID, target: String)
    /// A tag was asked to be both added and removed in one update.
    case conflictingTagUpdate(RecordID, tag: String)
    /// An operation was applied to a record with another id.
    case recordMismatch(expected: RecordID, found: RecordID)
    /// A change touches a record that belongs to another classification level.
    case levelMismatch(RecordID, recordLevel: String, changeLevel: String)
    /// An update targets a deleted record; deletion is final.
    case recordDeleted(RecordID)
    /// A new record was created without a type.
    case missingType(RecordID)
    /// A reclassification or withdrawal is malformed (bad level, agency, reason or id list, or
    /// not alone with the record it concerns); `reason` says which rule it broke.
    case invalidReclassification(RecordID, reason: String)
}

extension ModelError: CustomStringConvertible {
    /// A sentence for a person: what happened, and what to do about it.
    public var description: String {
        switch self {
        case .invalidDeviceID(let count):
            return "A device id must be a 32-byte Ed25519 public key, but \(count) bytes were given; check the key source."
        case .invalidHex(let text):
            return "'\(text.prefix(80))' is not valid hexadecimal; use an even number of digits 0-9 and a-f."
        case .clockSkew(let remote, let physical, let drift):
            return "A peer's clock (\(remote)) is more than \(drift) ms ahead of ours (\(physical)); fix the clock on one side (NTP) and retry."
        case .emptyLattice:
            return "The charter declares no classification level; list at least one, lowest first."
        case .invalidLevelName(let name):
            return "'\(name.prefix(80))' is not a valid level name; use 1 to 32 characters among A-Z, 0-9 and _."
        case .duplicateLevel(let name):
            return "The level \(name) is listed twice in the charter; list each level once, lowest first."
        case .invalidRecordID(let raw, let reason):
            return "'\(raw.prefix(80))' is not a valid record id: \(reason)."
        case .invalidFieldName(let name):
            return "'\(name.prefix(80))' is not a valid field name; use 1 to \(ModelLimits.maxFieldNameBytes) characters among A-Z, a-z, 0-9, _, . and -."
        case .invalidTag(let tag):
            return "'\(tag.prefix(80))' is not a valid tag; use 1 to \(ModelLimits.maxTagBytes) bytes of printable text without spaces or control characters."
        case .invalidRecordType(let type):
            return "'\(type.prefix(80))' is not a valid record type; use 1 to \(ModelLimits.maxTypeBytes) characters among a-z, 0-9, _ and -, starting with a letter or digit."
        case .nonFiniteNumber:
            return "A field value holds NaN or an infinite number, which JSON cannot carry; store it as a string or null."
        case .nestingTooDeep(let limit):
            return "A field value nests arrays and objects more than \(limit) levels deep; flatten it."
        case .fieldValueTooLarge(let bytes, let limit):
            return "A field value is about \(bytes) bytes, over the limit of \(limit); split it or store a reference."
        case .tooManyFields(let id, let count, let limit):
            return "Record \(id) would hold \(count) fields, over the limit of \(limit); remove fields or split the record."
        case .tooManyTags(let id, let count, let limit):
            return "Record \(id) would hold \(count) tags, over the limit of \(limit); remove some tags."
        case .recordTooLarge(let id, let bytes, let limit):
            return "Record \(id) would be about \(bytes) bytes, over the limit of \(limit); remove data or split the record."
        case .emptyChange:
            return "A change must carry at least one operation."
        case .tooManyOperations(let count, let limit):
            return "A change carries \(count) operations, over the limit of \(limit); split it into several changes."
        case .duplicateOperation(let id, let target):
            return "A change writes \(target) of record \(id) twice; write each field, tag and type once per change."
        case .observedOwnWrite(let id, let target):
            return "A change to \(target) of record \(id) claims to have observed itself; the author's clock or software is faulty."
        case .conflictingTagUpdate(let id, let tag):
            return "The tag '\(tag)' of record \(id) is both added and removed in one update; choose one."
        case .recordMismatch(let expected, let found):
            return "An operation on record \(found) was applied to record \(expected); this is a bug in the caller."
        case .levelMismatch(let id, let recordLevel, let changeLevel):
            return "Record \(id) belongs to level \(recordLevel), but a change at level \(changeLevel) touches it; write it at its own level."
        case .recordDeleted(let id):
            return "Record \(id) is deleted and deletion is final; create a new record instead."
        case .missingType(let id):
            return "Record \(id) does not exist yet, so a type is required to create it."
        case .invalidReclassification(let id, let reason):
            return "The reclassification or withdrawal of record \(id) is invalid: \(reason)."
        }
    }
}
