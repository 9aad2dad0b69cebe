import CairnModel
import CairnProtocol
import CairnStore

/// What a bundle's deltas must say about their streams, beyond what each says alone
/// (`DeltaCheck`): consecutive deltas of one stream chain onto each other, and the sender's own
/// streams agree with what this site holds of them.
///
/// An honest sender exports what it stored, and it stored only deltas that chain; and it never
/// signed two deltas at one position of its own stream. So a broken chain, or a second history
/// of the sender's own stream, means the sender lies or is broken, and the bundle is refused
/// whole. (Another author's fork is not the sender's doing: ingest keeps it as evidence.)
struct BundleChainCheck {
    let sender: DeviceID
    /// This site's stream heads when the import began.
    let heads: [StreamID: StreamHead]
    private var last: [StreamID: StreamHead] = [:]

    init(sender: DeviceID, heads: [StreamID: StreamHead]) {
        self.sender = sender
        self.heads = heads
    }

    /// The hostile refusal code for `delta` (`broken_chain`, `sender_equivocation`), or nil.
    /// `storedID` reads the id this site holds at a position of the sender's own stream.
    mutating func check(_ delta: SealedDelta, storedID: (StreamID, UInt64) throws -> [UInt8]?) rethrows -> String? {
        let stream = StreamID(author: delta.header.author, level: delta.header.level)
        let sequence = delta.header.sequence
        if let previous = last[stream] {
            if sequence == previous.sequence + 1, delta.header.previous != previous.deltaID { return "broken_chain" }
            if sequence == previous.sequence, delta.id != previous.deltaID { return "broken_chain" }
            if sequence < previous.sequence { return "broken_chain" }
        }
        // A jump ahead is no lie: the sender skips a position it quarantined as damaged.
        if sequence > last[stream]?.sequence ?? 0 { last[stream] = StreamHead(sequence: sequence, deltaID: delta.id) }
        guard stream.author == sender, let head = heads[stream] else { return nil }
        if sequence == head.sequence + 1, delta.header.previous != head.deltaID { return "sender_equivocation" }
        if sequence == head.sequence, delta.id != head.deltaID { return "sender_equivocation" }
        if sequence < head.sequence, let held = try storedID(stream, sequence), held != delta.id { return "sender_equivocation" }
        return nil
    }
}
