import CairnProtocol
import Logging

/// `invalidBody` carries the model's refusal of a decrypted body (record ids, tags, field
/// names), and `malformed` a decoder's detail: only codes and sizes reach a log.
extension ProtocolError: LoggableError {
    var logCode: String {
        switch self {
        case .tooLarge: return "protocol.too_large"
        case .malformed: return "protocol.malformed"
        case .nonCanonical: return "protocol.non_canonical"
        case .unsupportedFormat: return "protocol.unsupported_format"
        case .badSignature: return "protocol.bad_signature"
        case .authorMismatch: return "protocol.author_mismatch"
        case .epochMismatch: return "protocol.epoch_mismatch"
        case .decryptionFailed: return "protocol.decryption_failed"
        case .invalidBody: return "protocol.invalid_body"
        case .grantNotForUs: return "protocol.grant_not_for_us"
        case .redacted: return "protocol.redacted"
        }
    }

    var logFields: Logger.Metadata {
        switch self {
        // `what` names a part of the format ("envelope", "header"): a constant of the decoder.
        case .tooLarge(let what, let size, let limit):
            return ["error.what": "\(what)", "error.bytes": "\(size)", "error.limit": "\(limit)"]
        case .malformed(let what, _): return ["error.what": "\(what)"]
        case .unsupportedFormat(let format): return ["error.format": "\(format)"]
        default: return [:]
        }
    }
}

/// Sync refusals: what a peer did wrong, counted; the decoder's details and the level names a
/// peer sent (unchecked text from the wire) stay out.
extension SyncError: LoggableError {
    var logCode: String {
        switch self {
        case .frameTooLarge: return "sync.frame_too_large"
        case .malformed: return "sync.malformed"
        case .invalid: return "sync.invalid"
        case .tooMany: return "sync.too_many"
        case .tooLarge: return "sync.too_large"
        case .unsupportedProtocol: return "sync.unsupported_protocol"
        case .levelNotCommon: return "sync.level_not_common"
        case .flooding: return "sync.flooding"
        case .unexpectedFrame: return "sync.unexpected_frame"
        case .unknownBatch: return "sync.unknown_batch"
        case .ackMismatch: return "sync.ack_mismatch"
        case .gapTooLarge: return "sync.gap_too_large"
        case .notAGap: return "sync.not_a_gap"
        case .pendingFull: return "sync.pending_full"
        case .invalidLocalVector: return "sync.invalid_local_vector"
        case .vectorTooLarge: return "sync.vector_too_large"
        }
    }

    var logFields: Logger.Metadata {
        switch self {
        case .frameTooLarge(let size, let limit): return ["error.bytes": "\(size)", "error.limit": "\(limit)"]
        // `what` is a constant of the protocol code ("positions", "envelope"), not peer text.
        case .invalid(let what, _): return ["error.what": "\(what)"]
        case .tooMany(let what, let count, let limit):
            return ["error.what": "\(what)", "error.count": "\(count)", "error.limit": "\(limit)"]
        case .tooLarge(let what, let size, let limit):
            return ["error.what": "\(what)", "error.bytes": "\(size)", "error.limit": "\(limit)"]
        case .unsupportedProtocol(let version): return ["error.version": "\(version)"]
        case .unexpectedFrame(let kind): return ["error.frame": "\(kind)"]
        case .unknownBatch(let batch): return ["error.batch": "\(batch)"]
        case .ackMismatch(let batch, let sent, let counted):
            return ["error.batch": "\(batch)", "error.sent": "\(sent)", "error.counted": "\(counted)"]
        case .gapTooLarge(let stream, let gap, let limit):
            return ["error.stream": "\(stream)", "error.gap": "\(gap)", "error.limit": "\(limit)"]
        case .notAGap(let stream, let sequence, let head):
            return ["error.stream": "\(stream)", "error.sequence": "\(sequence)", "error.head": "\(head)"]
        case .pendingFull(let count, let bytes): return ["error.count": "\(count)", "error.bytes": "\(bytes)"]
        case .vectorTooLarge(let streams, let bytes, let limit):
            return ["error.streams": "\(streams)", "error.bytes": "\(bytes)", "error.limit": "\(limit)"]
        default: return [:]
        }
    }
}

/// Bundle refusals: the decoder's details stay out.
extension BundleError: LoggableError {
    var logCode: String {
        switch self {
        case .tooLarge: return "bundle.too_large"
        case .malformed: return "bundle.malformed"
        case .truncated: return "bundle.truncated"
        case .unsupportedFormat: return "bundle.unsupported_format"
        case .badSignature: return "bundle.bad_signature"
        case .decryptionFailed: return "bundle.decryption_failed"
        }
    }

    var logFields: Logger.Metadata {
        switch self {
        case .tooLarge(let what, let size, let limit):
            return ["error.what": "\(what)", "error.bytes": "\(size)", "error.limit": "\(limit)"]
        case .unsupportedFormat(let format): return ["error.format": "\(format)"]
        default: return [:]
        }
    }
}
