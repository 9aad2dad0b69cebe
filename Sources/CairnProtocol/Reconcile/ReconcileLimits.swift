/// The shape and the bounds of a reconciliation session.
///
/// Receiving checks use the receiver's limits, so both sides should use the defaults (as with
/// `SyncLimits`). The defaults are far above what an honest session of 100,000 items with a few
/// thousand differences needs, and far below harm: a session never holds more than
/// `maxSessionBytes` of the peer's input, and never runs more than `maxMessages` messages.
public struct ReconcileLimits: Hashable, Sendable {
    /// How many sub-ranges a differing range is split into (16, as negentropy).
    public var branching: Int
    /// A range holding at most this many of the sender's items is sent as a list of tags
    /// (8 bytes each) rather than split further (64: one list of 64 tags costs about as much as
    /// the 16 fingerprints of a split, and ends the descent).
    public var itemsThreshold: Int
    /// A differing range holding at most this many of the sender's items is answered with the
    /// items themselves, values included (a whole list: a REPLY answering a FINGERPRINT), not
    /// with their tags (8: at 72 bytes an item, the list costs about one split, and the peer
    /// learns the values one round trip sooner). 0 never sends one, for a peer that did not
    /// announce it (`SyncFrame.reconcileListsFeature`); receiving one is always allowed.
    public var wholeListItems: Int
    /// Largest serialized message accepted or sent (2 MiB), checked before parsing. Any message
    /// within the range and item limits fits.
    public var maxMessageBytes: Int
    /// Most ranges in one message (4,096), counted on the raw bytes before parsing.
    public var maxRangesPerMessage: Int
    /// Most tags and items in one message (8,192): ITEMS tags, REPLY items and values together.
    public var maxItemsPerMessage: Int
    /// Most messages in one session, both directions (64). An honest session of 100,000 items
    /// needs about 8; more are replies in chunks or deferrals when differences are many.
    public var maxMessages: Int
    /// Most bytes in one session, both directions (32 MiB): bounds the memory the peer's claims
    /// can take (the values learned are kept until the session ends).
    public var maxSessionBytes: Int
    /// Most items a local set may hold (1,000,000).
    public var maxSetItems: Int

    /// The defaults documented on each property.
    public static let `default` = ReconcileLimits()

    /// Limits with the documented defaults, each overridable.
    public init(
        branching: Int = 16,
        itemsThreshold: Int = 64,
        wholeListItems: Int = 8,
        maxMessageBytes: Int = 2 << 20,
        maxRangesPerMessage: Int = 4_096,
        maxItemsPerMessage: Int = 8_192,
        maxMessages: Int = 64,
        maxSessionBytes: Int = 32 << 20,
        maxSetItems: Int = 1_000_000
    ) {
        self.branching = branching
        self.itemsThreshold = itemsThreshold
        self.wholeListItems = wholeListItems
        self.maxMessageBytes = maxMessageBytes
        self.maxRangesPerMessage = maxRangesPerMessage
        self.maxItemsPerMessage = maxItemsPerMessage
        self.maxMessages = maxMessages
        self.maxSessionBytes = maxSessionBytes
        self.maxSetItems = maxSetItems
    }

    /// Why these limits cannot run a session, or nil. A split needs at least two parts and a
    /// message room for a split of every range it answers.
    var defect: String? {
        if branching < 2 { return "branching below 2" }
        if itemsThreshold < 1 { return "items threshold below 1" }
        if wholeListItems < 0 || wholeListItems > itemsThreshold { return "whole lists outside 0 through the items threshold" }
        if maxRangesPerMessage < 2 * branching + 2 { return "fewer ranges per message than one split needs" }
        if maxItemsPerMessage < itemsThreshold { return "fewer items per message than one list" }
        if maxMessages < 2 { return "fewer than two messages per session" }
        return nil
    }
}
