import CairnModel
import CairnStore
import Logging

/// Store failures keep the path of the site's own database and the stream positions; SQLite's
/// message and the store's free-text reasons stay out.
extension StoreError: LoggableError {
    var logCode: String {
        switch self {
        case .corrupt: return "store.corrupt"
        case .cannotOpen: return "store.cannot_open"
        case .newerSchema: return "store.newer_schema"
        case .diskFull: return "store.disk_full"
        case .busy: return "store.busy"
        case .streamGap: return "store.stream_gap"
        case .duplicateSequence: return "store.duplicate_sequence"
        case .duplicateDelta: return "store.duplicate_delta"
        case .unknownDelta: return "store.unknown_delta"
        case .invalidArgument: return "store.invalid_argument"
        case .auditChainMoved: return "store.audit_chain_moved"
        case .database: return "store.database"
        }
    }

    var logFields: Logger.Metadata {
        switch self {
        case .corrupt(let path, _), .cannotOpen(let path, _), .newerSchema(let path), .diskFull(let path),
            .busy(let path, _):
            return ["error.path": "\(path)"]
        case .streamGap(let author, let level, let expected, let got):
            return [
                "error.stream": "\(short(author))/\(level)", "error.expected": "\(expected)", "error.got": "\(got)",
            ]
        case .duplicateSequence(let author, let level, let sequence, let head):
            return [
                "error.stream": "\(short(author))/\(level)", "error.sequence": "\(sequence)", "error.head": "\(head)",
            ]
        case .duplicateDelta(let id), .unknownDelta(let id):
            return ["error.delta": "\(short(id))"]
        // The operation is a constant of the store ("commit a batch"), never a value.
        case .database(let operation, _):
            return ["error.operation": "\(operation)"]
        case .auditChainMoved(let expected, let found, _):
            return ["error.expected": "\(expected)", "error.found": "\(found)"]
        case .invalidArgument:
            return [:]
        }
    }

    private func short(_ bytes: [UInt8]) -> String { Hex.encode(Array(bytes.prefix(8))) }
}
