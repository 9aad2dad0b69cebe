import CairnModel
import CairnWire
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How far one side holds one stream: the last contiguous sequence number and the id of the
/// delta there. A vector is a list of these, sorted by stream, one per stream.
///
/// The head id travels with the number so that two sites holding different deltas at one
/// position (an equivocating author) notice it while comparing vectors.
public struct StreamPosition: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The length of a delta id (BLAKE2b-256).
    public static let headLength = 32

    /// The device that writes the stream.
    public var author: DeviceID
    /// The stream's classification level.
    public var level: String
    /// The last contiguous sequence number held (at least 1).
    public var sequence: UInt64
    /// The id of the delta at `sequence` (32 bytes).
    public var head: [UInt8]

    /// Builds a position; checked by `SyncFrame.decode` when it comes from a peer, and by the
    /// session when it comes from the daemon.
    public init(author: DeviceID, level: String, sequence: UInt64, head: [UInt8]) {
        self.author = author
        self.level = level
        self.sequence = sequence
        self.head = head
    }

    /// Builds a position from a stream head as the store reports it.
    public init(stream: StreamID, head: StreamHead) {
        self.init(author: stream.author, level: stream.level, sequence: head.sequence, head: head.deltaID)
    }

    /// The stream this position describes.
    public var stream: StreamID { StreamID(author: author, level: level) }

    /// Orders by stream only (author bytes, then level bytes), as `StreamID` does: the order of
    /// a vector on the wire and in the digest.
    public static func < (lhs: StreamPosition, rhs: StreamPosition) -> Bool {
        compare(lhs, rhs) < 0
    }

    /// `device/LEVEL@sequence`, for logs.
    public var description: String { "\(author.short)/\(level)@\(sequence)" }

    /// -1, 0 or 1 as the stream of `lhs` sorts before, equal to or after that of `rhs`.
    /// Vectors of 100,000 streams are checked and merged on every round, hence `memcmp`.
    static func compare(_ lhs: StreamPosition, _ rhs: StreamPosition) -> Int {
        let authors = lhs.author.bytes.withUnsafeBytes { l in
            rhs.author.bytes.withUnsafeBytes { r in memcmp(l.baseAddress!, r.baseAddress!, DeviceID.byteCount) }
        }
        if authors != 0 { return authors < 0 ? -1 : 1 }
        if lhs.level == rhs.level { return 0 }
        return lhs.level.utf8.lexicographicallyPrecedes(rhs.level.utf8) ? -1 : 1
    }

    /// Why this position is not well formed, or nil. The author is a `DeviceID`, so its length
    /// is already right; `levelChecked` skips the level name when the caller knows it is valid.
    func defect(levelChecked: Bool = false) -> String? {
        if !levelChecked {
            do {
                try LevelLattice.validateName(level)
            } catch {
                return "level name is not 1-32 characters of A-Z, 0-9, _"
            }
        }
        if sequence == 0 { return "sequence 0 (streams start at 1)" }
        if head.count != Self.headLength { return "head of \(head.count) bytes" }
        return nil
    }
}

/// A run of consecutive deltas of one stream: what one side lacks and the other will send.
public struct StreamRange: Hashable, Sendable, CustomStringConvertible {
    /// The stream.
    public var stream: StreamID
    /// First and last sequence numbers, both included.
    public var sequences: ClosedRange<UInt64>

    /// Names a range of a stream.
    public init(stream: StreamID, sequences: ClosedRange<UInt64>) {
        self.stream = stream
        self.sequences = sequences
    }

    /// How many deltas the range holds (saturating at `UInt64.max` for `0...UInt64.max`).
    public var count: UInt64 {
        let span = sequences.upperBound - sequences.lowerBound
        return span == .max ? .max : span + 1
    }

    /// `device/LEVEL[first...last]`, for logs.
    public var description: String { "\(stream)[\(sequences.lowerBound)...\(sequences.upperBound)]" }
}

/// Two different deltas that one author put at one position of one stream: proof that it
/// equivocated (or that a site's store is corrupt). Reported, never merged.
public struct Equivocation: Hashable, Sendable {
    /// The stream.
    public var stream: StreamID
    /// The position both claim.
    public var sequence: UInt64
    /// The id of the delta we hold there.
    public var ours: [UInt8]
    /// The id of the delta the peer holds there.
    public var theirs: [UInt8]

    /// Records a pair of conflicting ids.
    public init(stream: StreamID, sequence: UInt64, ours: [UInt8], theirs: [UInt8]) {
        self.stream = stream
        self.sequence = sequence
        self.ours = ours
        self.theirs = theirs
    }
}

extension StreamPosition {
    /// The protobuf form, as vectors (sync frames, bundle vector files, stored peer vectors)
    /// carry it.
    var wire: Cairn_V1_StreamPosition {
        var entry = Cairn_V1_StreamPosition()
        entry.author = Data(author.bytes)
        entry.level = level
        entry.sequence = sequence
        entry.head = Data(head)
        return entry
    }
}
