/// Where a received delta stands relative to the stream head held.
public enum ChainCheckResult: Hashable, Sendable {
    /// It is the next delta and links to the head: accept it.
    case extends
    /// Its sequence number is already held: compare it with the delta held there; a different
    /// delta at one position is equivocation.
    case duplicate
    /// Deltas are missing before it: fetch this range first, then retry.
    case gap(ClosedRange<UInt64>)
    /// It claims the next position but links to another predecessor (or is malformed): the chain
    /// has forked, which only a faulty or malicious author causes. Keep it as evidence, never
    /// merge it.
    case forked
}

/// Decides whether a delta can extend a stream. Pure, so the sync state machine is tested without
/// storage or network.
public enum ChainCheck {
    /// Compares a delta carrying `sequence` and predecessor id `previous` with the stream's
    /// `head` (`nil` for a stream of which nothing is held).
    ///
    /// The first delta of a stream has sequence 1 and an empty `previous`. Sequence 0 fits no
    /// position of a well-formed chain, so it is reported as `.forked` (malformed by its author).
    public static func check(head: StreamHead?, sequence: UInt64, previous: [UInt8]) -> ChainCheckResult {
        guard sequence > 0 else { return .forked }
        let held = head?.sequence ?? 0
        if sequence <= held { return .duplicate }
        if sequence - 1 > held { return .gap((held + 1)...(sequence - 1)) }
        if let head {
            return previous == head.deltaID ? .extends : .forked
        }
        return previous.isEmpty ? .extends : .forked
    }
}
