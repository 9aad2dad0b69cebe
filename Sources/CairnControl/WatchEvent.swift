import Foundation

/// One line of the change stream (`GET /v1/watch`, `cairn watch`): newline-delimited JSON.
/// The first line is `{"event": "watching"}` once the subscription is in place; then one line
/// per committed change: `record.created`, `record.updated` or `record.deleted` with the record
/// as it now is.
public struct WatchEvent: Codable, Hashable, Sendable {
    public var event: String
    public var record: RecordDocument?
    /// Hex id of the delta that made the change.
    public var delta: String?

    public init(event: String, record: RecordDocument? = nil, delta: String? = nil) {
        self.event = event
        self.record = record
        self.delta = delta
    }
}

/// Decodes a chunked HTTP body into complete lines, however the bytes arrive.
public struct ChunkedLineDecoder: Sendable {
    /// Longest line accepted (a record is at most 1 MiB; its document a little more).
    public static let maxLineBytes = 4 * 1024 * 1024

    private var pending: [UInt8] = []
    private var chunkRemaining = 0
    private var line: [UInt8] = []
    private var state = State.size
    public private(set) var finished = false

    private enum State { case size, data, dataEnd }

    public init() {}

    /// Feeds bytes; returns the lines they completed (without the newline).
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(ControlClientError) -> [[UInt8]] {
        pending.append(contentsOf: bytes)
        var lines: [[UInt8]] = []
        var index = 0
        loop: while index < pending.count, !finished {
            switch state {
            case .size:
                guard let end = pending[index...].firstIndex(of: UInt8(ascii: "\n")) else { break loop }
                let text = String(decoding: pending[index..<end], as: UTF8.self)
                    .trimmingCharacters(in: .whitespaces.union(["\r"]))
                let sizeText = text.split(separator: ";").first.map(String.init) ?? ""
                guard let size = Int(sizeText, radix: 16), size >= 0 else { throw .badResponse("bad chunk size \(text)") }
                index = end + 1
                if size == 0 {
                    finished = true
                } else {
                    chunkRemaining = size
                    state = .data
                }
            case .data:
                let take = min(chunkRemaining, pending.count - index)
                for byte in pending[index..<index + take] {
                    if byte == UInt8(ascii: "\n") {
                        lines.append(line)
                        line.removeAll(keepingCapacity: true)
                    } else {
                        line.append(byte)
                        if line.count > Self.maxLineBytes { throw .badResponse("a change-stream line exceeds \(Self.maxLineBytes) bytes") }
                    }
                }
                index += take
                chunkRemaining -= take
                if chunkRemaining == 0 { state = .dataEnd }
            case .dataEnd:
                guard let end = pending[index...].firstIndex(of: UInt8(ascii: "\n")) else { break loop }
                index = end + 1
                state = .size
            }
        }
        pending.removeFirst(index)
        return lines
    }
}
