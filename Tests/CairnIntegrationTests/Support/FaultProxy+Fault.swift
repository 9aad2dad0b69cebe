/// What a `FaultProxy` does to the bytes it forwards, switchable while connections are open.
///
/// The proxy sees TLS records, not Cairn frames (the frames are inside the encryption), so the
/// faults are at the byte level except `reorder`, which swaps whole TLS records: the closest an
/// attacker on the path can come to reordering frames. Every fault that changes the bytes must
/// be caught by TLS (record MACs and sequence numbers) and cost at most the connection.
enum NetworkFault: Sendable, Equatable, CustomStringConvertible {
    /// Forward everything unchanged.
    case none
    /// Close the connection (both ways) before forwarding a chunk, with this probability.
    case drop(Double)
    /// Hold each chunk for up to this many milliseconds.
    case delay(milliseconds: Int)
    /// Send a chunk twice, with this probability.
    case duplicate(Double)
    /// Hold a complete TLS record back and send it after the next one, with this probability.
    case reorder(Double)
    /// Forward only a prefix of a chunk, then close the connection, with this probability.
    case truncate(Double)
    /// Flip one random bit of a chunk, with this probability.
    case flipBits(Double)
    /// Forward nothing and read nothing, holding every connection open.
    case stall
    /// Cut every connection and refuse new ones (accepted and closed at once).
    case partition

    var description: String {
        switch self {
        case .none: return "none"
        case .drop(let p): return "drop(\(p))"
        case .delay(let ms): return "delay(\(ms) ms)"
        case .duplicate(let p): return "duplicate(\(p))"
        case .reorder(let p): return "reorder(\(p))"
        case .truncate(let p): return "truncate(\(p))"
        case .flipBits(let p): return "flip-bits(\(p))"
        case .stall: return "stall"
        case .partition: return "partition"
        }
    }
}

/// Finds where TLS records end in a byte stream (5-byte header: type, version, 16-bit length),
/// following the sender's stream chunk by chunk.
struct TLSRecordBoundaries {
    private var header: [UInt8] = []
    private var bodyRemaining = 0

    /// Offsets in `chunk` just past the last byte of each record that ends in it.
    mutating func ends(in chunk: [UInt8]) -> [Int] {
        var ends: [Int] = []
        var index = 0
        while index < chunk.count {
            if bodyRemaining > 0 {
                let take = min(bodyRemaining, chunk.count - index)
                bodyRemaining -= take
                index += take
                if bodyRemaining == 0 { ends.append(index) }
                continue
            }
            header.append(chunk[index])
            index += 1
            if header.count == 5 {
                bodyRemaining = Int(header[3]) << 8 | Int(header[4])
                header.removeAll(keepingCapacity: true)
                if bodyRemaining == 0 { ends.append(index) }
            }
        }
        return ends
    }
}
