import CairnModel

/// Why a sync frame, a peer's behaviour or a local request was refused.
///
/// Cases that come from the peer (everything except `invalidLocalVector` and `vectorTooLarge`)
/// are protocol violations: the daemon audits them and normally closes the connection with a
/// `Goodbye`. None of them quotes the refused bytes.
public enum SyncError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A frame longer than the limit; refused before it was parsed.
    case frameTooLarge(size: Int, limit: Int)
    /// The bytes are not a well-formed `SyncMessage`, or no message kind is set.
    case malformed(detail: String)
    /// A field of a well-formed message breaks a rule of the protocol.
    case invalid(what: String, detail: String)
    /// More items than the limit (positions, envelopes, certificates).
    case tooMany(what: String, count: Int, limit: Int)
    /// One item is larger than its limit (an envelope, a certificate, a reason).
    case tooLarge(what: String, size: Int, limit: Int)
    /// The peer speaks a protocol version this build does not.
    case unsupportedProtocol(UInt32)
    /// The peer's vector names a level outside the common levels: it is lying or misconfigured.
    case levelNotCommon(String)
    /// The peer starts rounds faster than the limits allow.
    case flooding(String)
    /// A frame kind that the receiving component does not handle (a routing bug in the caller).
    case unexpectedFrame(String)
    /// An `Ack` names a batch that was never sent.
    case unknownBatch(UInt64)
    /// An `Ack`'s counts do not add up to the number of deltas in its batch.
    case ackMismatch(batch: UInt64, sent: Int, counted: UInt64)
    /// A delta is further ahead of the stream head than the pending buffer accepts.
    case gapTooLarge(stream: StreamID, gap: UInt64, limit: UInt64)
    /// `hold` was asked to keep a delta that does not wait for anything: apply it instead.
    case notAGap(stream: StreamID, sequence: UInt64, head: UInt64)
    /// The pending buffer is full; the delta was refused, nothing was evicted.
    case pendingFull(count: Int, bytes: Int)
    /// The daemon handed the session a malformed vector of its own (a bug in the caller).
    case invalidLocalVector(String)
    /// Our vector does not fit in one frame under the limit, so it cannot be sent.
    case vectorTooLarge(streams: Int, bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .frameTooLarge(let size, let limit):
            return "sync frame of \(size) bytes exceeds the limit of \(limit) bytes"
        case .malformed(let detail):
            return "malformed sync message: \(detail)"
        case .invalid(let what, let detail):
            return "invalid \(what): \(detail)"
        case .tooMany(let what, let count, let limit):
            return "\(count) \(what) exceed the limit of \(limit)"
        case .tooLarge(let what, let size, let limit):
            return "\(what) of \(size) bytes exceeds the limit of \(limit) bytes"
        case .unsupportedProtocol(let version):
            return "sync protocol \(version) is not supported (this build speaks \(SyncFrame.protocolVersion))"
        case .levelNotCommon(let level):
            return
                "the peer disclosed level \(level), which is not common to both sides: check its clearance and charter"
        case .flooding(let detail):
            return "the peer floods the session: \(detail); close the connection"
        case .unexpectedFrame(let kind):
            return "a \(kind) frame was routed to a component that does not handle it"
        case .unknownBatch(let batch):
            return "acknowledgement of batch \(batch), which was never sent"
        case .ackMismatch(let batch, let sent, let counted):
            return "acknowledgement of batch \(batch) counts \(counted) deltas, the batch held \(sent)"
        case .gapTooLarge(let stream, let gap, let limit):
            return
                "a delta of \(stream) is \(gap) deltas ahead of the head held (limit \(limit)): sync the stream first"
        case .notAGap(let stream, let sequence, let head):
            return "delta \(sequence) of \(stream) does not wait for a predecessor (head \(head)): apply it directly"
        case .pendingFull(let count, let bytes):
            return "the pending buffer is full (\(count) deltas, \(bytes) bytes): the delta was refused, "
                + "retry after sync catches up"
        case .invalidLocalVector(let detail):
            return "the local vector is invalid: \(detail)"
        case .vectorTooLarge(let streams, let bytes, let limit):
            return "our vector of \(streams) streams needs \(bytes) bytes, over the frame limit of \(limit) bytes"
        }
    }
}
