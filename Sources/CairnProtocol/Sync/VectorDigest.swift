import CairnCrypto

/// The digest a `Summary` carries, so that two sites holding the same thing find out with two
/// small frames whatever the number of streams.
///
/// **Normative.** The digest of a vector is BLAKE2b with a 32-byte output, unkeyed, over
///
///     "cairn/v1/vector-digest" || 0x00
///     then for each position, sorted by (author bytes, level UTF-8 bytes):
///         author (32 bytes) || u8 length of level || level (UTF-8) || u64 big-endian sequence
///         || head (32 bytes)
///
/// The vector is the sender's, restricted to the levels common to both sides, with one
/// position per stream. An empty vector digests the domain string alone. Each field has a fixed
/// length or a length prefix, so two different vectors never produce the same input.
public enum VectorDigest {
    /// Domain separation: no other Cairn hash input starts with these bytes.
    public static let domain: [UInt8] = Array("cairn/v1/vector-digest".utf8) + [0]
    /// The digest length.
    public static let length = 32

    /// The digest of `positions`, which must be well formed (as `SyncFrame.decode` and the
    /// session guarantee) with one position per stream. They are sorted first if they are not.
    public static func digest(_ positions: [StreamPosition]) -> [UInt8] {
        let sorted = isSorted(positions) ? positions : positions.sorted()
        let hasher = BLAKE2b.Hasher(outputLength: length)
        hasher.update(domain)
        // Positions are serialized into one reused buffer and hashed a chunk at a time: this
        // runs over every stream for every summary, so it avoids an allocation per position.
        var buffer = [UInt8](repeating: 0, count: chunkBytes + maxPositionBytes)
        var used = 0
        buffer.withUnsafeMutableBytes { out in
            for position in sorted {
                let size = position.author.bytes.count + 1 + position.level.utf8.count + 8 + position.head.count
                guard size <= maxPositionBytes else {
                    // Not a well-formed position: same bytes, hashed piece by piece.
                    hasher.update(UnsafeRawBufferPointer(rebasing: out[..<used]))
                    used = 0
                    hasher.update(serialized(position))
                    continue
                }
                used += serialize(position, into: UnsafeMutableRawBufferPointer(rebasing: out[used...]))
                if used >= chunkBytes {
                    hasher.update(UnsafeRawBufferPointer(rebasing: out[..<used]))
                    used = 0
                }
            }
            hasher.update(UnsafeRawBufferPointer(rebasing: out[..<used]))
        }
        return hasher.finalize()
    }

    /// One position's digest input as an array: the reference form of `serialize`.
    static func serialized(_ position: StreamPosition) -> [UInt8] {
        var bytes = position.author.bytes
        bytes.append(UInt8(truncatingIfNeeded: position.level.utf8.count))
        bytes += position.level.utf8
        bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: position.sequence >> (8 * UInt64($0))) }
        return bytes + position.head
    }

    /// Writes one position's digest input at the start of `out`, which has room for
    /// `maxPositionBytes`; returns the bytes written.
    private static func serialize(_ position: StreamPosition, into out: UnsafeMutableRawBufferPointer) -> Int {
        var offset = copy(position.author.bytes, into: out, at: 0)
        var level = position.level
        level.withUTF8 { utf8 in
            out[offset] = UInt8(truncatingIfNeeded: utf8.count)
            if let base = utf8.baseAddress, utf8.count > 0 {
                (out.baseAddress! + offset + 1).copyMemory(from: UnsafeRawPointer(base), byteCount: utf8.count)
            }
            offset += 1 + utf8.count
        }
        out.storeBytes(of: position.sequence.bigEndian, toByteOffset: offset, as: UInt64.self)
        return copy(position.head, into: out, at: offset + 8)
    }

    private static func copy(_ bytes: [UInt8], into out: UnsafeMutableRawBufferPointer, at offset: Int) -> Int {
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, source.count > 0 {
                (out.baseAddress! + offset).copyMemory(from: base, byteCount: source.count)
            }
        }
        return offset + bytes.count
    }

    /// Whether `positions` are strictly increasing by stream.
    static func isSorted(_ positions: [StreamPosition]) -> Bool {
        var index = 1
        while index < positions.count {
            if StreamPosition.compare(positions[index - 1], positions[index]) >= 0 { return false }
            index += 1
        }
        return true
    }

    private static let chunkBytes = 64 << 10
    /// Room for one well-formed position (author, length byte, level of at most 32 bytes,
    /// sequence, head) past the chunk boundary, with margin; larger ones take the slow path.
    private static let maxPositionBytes = 32 + 1 + 255 + 8 + 64
}
