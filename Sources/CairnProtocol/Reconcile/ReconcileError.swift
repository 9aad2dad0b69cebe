/// Why a reconciliation session stopped. Every case ends the session: the caller falls back to
/// the whole-vector round of `ReconciliationSession` (which always works, at a higher cost) and
/// audits the cases that come from the peer.
///
/// Cases marked *local* are this side's own doing (a bad item set, or differences too many for
/// the limits); every other case is something the peer sent. None of them quotes item bytes.
public enum ReconcileError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A message longer than the limit; refused before it was parsed.
    case messageTooLarge(size: Int, limit: Int)
    /// The bytes are not a well-formed `ReconcileMessage`.
    case malformed(String)
    /// A field breaks a rule of `reconcile.proto` (a bound, a length, an order).
    case invalid(what: String, detail: String)
    /// More ranges or items in one message than the limit.
    case tooMany(what: String, count: Int, limit: Int)
    /// A message version this build does not speak.
    case unsupportedVersion(UInt32)
    /// The message belongs to another session, another item set, or comes out of turn: a
    /// duplicated, dropped or reordered message. Costs a new session, never a wrong result.
    case outOfTurn(String)
    /// A range the receiver did not leave open, or an answer that does not refine the range it
    /// answers (a partial cover, a single smaller fingerprint, a reply where no list was sent).
    case notRefining(String)
    /// Every range of the message was deferred and nothing was settled: the peer stalls.
    case noProgress
    /// The `values` of a message are not the items the receiver marked as missing.
    case valuesMismatch(String)
    /// The peer's items contradict what it was told (a reply item whose tag it was sent).
    case inconsistent(String)
    /// The session went over its message count or byte budget.
    case sessionLimit(what: String, count: Int, limit: Int)
    /// A message arrived for a session that is already over (finished or failed).
    case sessionOver
    /// *Local*: the item set handed to the session is malformed (a bug in the caller).
    case invalidLocalSet(String)
    /// *Local*: answering needs more than one message may carry (too many differences).
    case localLimit(String)

    /// Whether the error is this side's own (no audit of the peer is due).
    public var isLocal: Bool {
        switch self {
        case .invalidLocalSet, .localLimit: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .messageTooLarge(let size, let limit):
            return "reconcile message of \(size) bytes exceeds the limit of \(limit) bytes"
        case .malformed(let detail):
            return "malformed reconcile message: \(detail)"
        case .invalid(let what, let detail):
            return "invalid \(what) in a reconcile message: \(detail)"
        case .tooMany(let what, let count, let limit):
            return "\(count) \(what) in one reconcile message exceed the limit of \(limit)"
        case .unsupportedVersion(let version):
            return "reconcile message version \(version) is not supported (this build speaks 1)"
        case .outOfTurn(let detail):
            return "reconcile message out of turn: \(detail); start a new session"
        case .notRefining(let detail):
            return "the peer's reconcile answer does not refine what was asked: \(detail)"
        case .noProgress:
            return "the peer deferred every range and settled nothing: the session stalls"
        case .valuesMismatch(let detail):
            return "the peer's values do not match the items marked missing: \(detail)"
        case .inconsistent(let detail):
            return "the peer's items contradict the session: \(detail)"
        case .sessionLimit(let what, let count, let limit):
            return "reconcile session used \(count) \(what), over the limit of \(limit): fall back to whole vectors"
        case .sessionOver:
            return "the reconcile session is over: start a new one"
        case .invalidLocalSet(let detail):
            return "the local item set is invalid: \(detail)"
        case .localLimit(let detail):
            return "the differences do not fit the reconcile limits (\(detail)): fall back to whole vectors"
        }
    }
}
