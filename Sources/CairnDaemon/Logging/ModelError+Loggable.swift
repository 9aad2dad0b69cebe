import CairnModel
import Logging

/// Model refusals quote record ids, field names, tags and types in their descriptions; their
/// codes and numbers are all a log keeps.
extension ModelError: LoggableError {
    var logCode: String {
        switch self {
        case .invalidDeviceID: return "model.invalid_device_id"
        case .invalidHex: return "model.invalid_hex"
        case .clockSkew: return "model.clock_skew"
        case .emptyLattice: return "model.empty_lattice"
        case .invalidLevelName: return "model.invalid_level_name"
        case .duplicateLevel: return "model.duplicate_level"
        case .invalidRecordID: return "model.invalid_record_id"
        case .invalidFieldName: return "model.invalid_field_name"
        case .invalidTag: return "model.invalid_tag"
        case .invalidRecordType: return "model.invalid_record_type"
        case .nonFiniteNumber: return "model.non_finite_number"
        case .nestingTooDeep: return "model.nesting_too_deep"
        case .fieldValueTooLarge: return "model.field_value_too_large"
        case .tooManyFields: return "model.too_many_fields"
        case .tooManyTags: return "model.too_many_tags"
        case .recordTooLarge: return "model.record_too_large"
        case .emptyChange: return "model.empty_change"
        case .tooManyOperations: return "model.too_many_operations"
        case .duplicateOperation: return "model.duplicate_operation"
        case .observedOwnWrite: return "model.observed_own_write"
        case .conflictingTagUpdate: return "model.conflicting_tag_update"
        case .recordMismatch: return "model.record_mismatch"
        case .levelMismatch: return "model.level_mismatch"
        case .recordDeleted: return "model.record_deleted"
        case .missingType: return "model.missing_type"
        case .invalidReclassification: return "model.invalid_reclassification"
        }
    }

    var logFields: Logger.Metadata {
        switch self {
        case .invalidDeviceID(let count): return ["error.bytes": "\(count)"]
        case .clockSkew(_, _, let drift): return ["error.max_drift_ms": "\(drift)"]
        case .nestingTooDeep(let limit): return ["error.limit": "\(limit)"]
        case .fieldValueTooLarge(let bytes, let limit), .recordTooLarge(_, let bytes, let limit):
            return ["error.bytes": "\(bytes)", "error.limit": "\(limit)"]
        case .tooManyFields(_, let count, let limit), .tooManyTags(_, let count, let limit),
            .tooManyOperations(let count, let limit):
            return ["error.count": "\(count)", "error.limit": "\(limit)"]
        // Both are levels this site checked against its charter: names of the charter, not of a record.
        case .levelMismatch(_, let recordLevel, let changeLevel):
            return ["error.record_level": "\(recordLevel)", "error.change_level": "\(changeLevel)"]
        default: return [:]
        }
    }
}
