/// Why a received delta was refused: one stable code per reason, reported to the sender's side
/// (`IngestReport.refusals`), counted in metrics and audited by these raw values.
///
/// Whether a refusal blames whoever handed the delta over (a peer, or the sender of a bundle)
/// or only says something about the delta's author or this site's knowledge:
/// a hostile refusal is one an honest sender never causes: it verified the delta itself before
/// storing it, so a bad signature, a malformed envelope or a level it may not hold means it lies
/// or is broken. The others happen to honest senders every day: the author was revoked
/// (perhaps retroactively) after the sender stored the delta, its certificate expired, this
/// site does not know it yet, another author forked its stream. A bundle is refused whole only
/// for a hostile reason; the others are skipped and counted. The switch in `blamesSender` has no
/// default: a reason added later must be classified before the code compiles.
enum DeltaRefusal: String, Sendable, CaseIterable, Error {
    case malformed
    case levelNotDeclared = "level_not_declared"
    case unknownLevel = "unknown_level"
    case aboveSenderClearance = "above_sender_clearance"
    case aboveOurClearance = "above_our_clearance"
    case unknownAuthor = "unknown_author"
    case aboveAuthorClearance = "above_author_clearance"
    case authorCertificateNotValid = "author_certificate_not_valid"
    case authorRevoked = "author_revoked"
    case badSignature = "bad_signature"
    case equivocation
    case gapTooLarge = "gap_too_large"
    case waitingFull = "waiting_full"

    /// Whether refusing a delta for this reason means the sender lied or is broken.
    var blamesSender: Bool {
        switch self {
        case .malformed, .levelNotDeclared, .aboveSenderClearance, .aboveOurClearance, .badSignature: return true
        case .authorRevoked, .authorCertificateNotValid, .unknownAuthor, .aboveAuthorClearance, .unknownLevel, .equivocation,
            .gapTooLarge, .waitingFull:
            return false
        }
    }

    /// Whether a refusal reported by its code (a peer's report, an older record) blames the
    /// sender: codes this version does not know count as hostile (fail closed).
    static func blamesSender(_ code: String) -> Bool {
        DeltaRefusal(rawValue: code)?.blamesSender ?? true
    }
}
