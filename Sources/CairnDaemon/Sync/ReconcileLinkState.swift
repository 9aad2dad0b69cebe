import CairnProtocol
import Foundation

/// Which of a link's reconcile sessions a message belongs to: its item set and its initiator,
/// read from the round's parity (the initiator sends the odd rounds). A link holds at most one
/// session per key: a new session of the same initiator replaces the previous one.
struct ReconcileKey: Hashable, Sendable {
    var set: ReconcileSetKind
    /// This side opened the session (the message's round is even).
    var ours: Bool
}

/// One reconcile session of a link, from its opening until it finishes or fails.
struct ReconcileRun: Sendable {
    /// The initiator's number for the session.
    var number: UInt64
    /// Nil while the set is built off the loop (for the peer's session: and its first message
    /// answered there); a message for the session meanwhile is out of turn.
    var session: ReconcileSession?
    /// Our items as the session reconciles them.
    var items: ReconcileRunItems?
    /// Callers of `cairn sync --wait` waiting for this round (our sessions only).
    var waiters: [@Sendable (Bool) -> Void] = []
    /// The sync framing around the session's messages (length prefix, tag, length), for the
    /// round's cost in `cairn_sync_round_bytes_total`.
    var framing = 0
    /// When the session was opened (by either side), for `PeerLink.checkReconcile`.
    var openedAt = Date()
}

/// What a session reconciles, with what each use needs once it is finished.
enum ReconcileRunItems: Sendable {
    /// Stream heads: the round.
    case streamHeads(StreamHeadItems)
    /// Certificates: the opening of a connection.
    case certificates(CertificateItems)

    var set: ReconcileSet {
        switch self {
        case .streamHeads(let items): return items.set
        case .certificates(let items): return items.set
        }
    }
}

/// The protocol-2 part of a link's state (on its loop, inside `LinkState`).
struct ReconcileLinkState: Sendable {
    /// Both Hellos announced `SyncFrame.reconcileFeature`: rounds are reconcile sessions over
    /// stream heads, whole vectors only as the fallback.
    var enabled = false
    /// The peer's Hello announced `SyncFrame.reconcileListsFeature`: our sessions may answer
    /// small differing ranges with whole lists.
    var wholeLists = false
    /// The number of the last session this side opened (sessions count from 1).
    var lastOpened: UInt64 = 0
    /// The highest session number the peer opened, per set: a round 1 at or below it is a
    /// replay. Per set, because the peer numbers all its sessions with one counter and the
    /// opening of the sessions it starts together (certificates and stream heads) may reach
    /// this side in either order.
    var lastPeerOpened: [ReconcileSetKind: UInt64] = [:]
    var runs: [ReconcileKey: ReconcileRun] = [:]
    /// The certificates of the opening are settled: the peer was sent those it lacked (by a
    /// finished session over certificates, or all of them as the fallback). Until then no
    /// batch goes out, so that no delta is sent with its author's certificate beside it only
    /// because the session has not finished.
    var certificatesSettled = false

    /// The limits of this link's sessions: the defaults, without whole lists for a peer that
    /// does not take them.
    var limits: ReconcileLimits {
        var limits = ReconcileLimits.default
        if !wholeLists { limits.wholeListItems = 0 }
        return limits
    }

    /// What a reconcile message of `size` bytes costs beyond itself in a sync frame: the
    /// 4-byte length prefix, the oneof tag (1 byte) and the varint length.
    static func framing(_ size: Int) -> Int {
        var length = 1
        var rest = size >> 7
        while rest > 0 {
            length += 1
            rest >>= 7
        }
        return 4 + 1 + length
    }
}

extension ReconcileError {
    /// A stable name for metrics, logs and the audit entry (the description may be long).
    var code: String {
        switch self {
        case .messageTooLarge: return "too_large"
        case .malformed: return "malformed"
        case .invalid: return "invalid"
        case .tooMany: return "too_many"
        case .unsupportedVersion: return "version"
        case .outOfTurn: return "out_of_turn"
        case .notRefining: return "not_refining"
        case .noProgress: return "no_progress"
        case .valuesMismatch: return "values_mismatch"
        case .inconsistent: return "inconsistent"
        case .sessionLimit: return "session_limit"
        case .sessionOver: return "session_over"
        case .invalidLocalSet: return "local_set"
        case .localLimit: return "local_limit"
        }
    }
}
