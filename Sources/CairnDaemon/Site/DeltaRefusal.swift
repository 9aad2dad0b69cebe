/// Whether the refusal of a received delta blames whoever handed it over (a peer, or the sender
/// of a bundle) or only says something about the delta's author or this site's knowledge.
///
/// A hostile refusal is one an honest sender never causes: it verified the delta itself before
/// storing it, so a bad signature, a malformed envelope, a level it may not hold, or a broken
/// chain means it lies or is broken. The others happen to honest senders every day: the author
/// was revoked (perhaps retroactively) after the sender stored the delta, its certificate
/// expired, this site does not know it yet, another author forked its stream. A bundle is
/// refused whole only for a hostile reason; the others are skipped and counted.
///
/// Codes not listed here count as hostile, so a refusal added later fails closed until it is
/// classified.
enum DeltaRefusal {
    /// Refusals that do not blame the sender.
    static let notBlamingSender: Set<String> = [
        "author_revoked", "author_certificate_not_valid", "unknown_author", "above_author_clearance", "unknown_level",
        "equivocation", "gap_too_large", "waiting_full",
    ]

    /// Whether refusing a delta for `code` means the sender lied or is broken.
    static func blamesSender(_ code: String) -> Bool {
        !notBlamingSender.contains(code)
    }
}
