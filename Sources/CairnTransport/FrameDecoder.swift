import NIOCore

/// Splits the decrypted stream into frames: a 4-byte big-endian length, then that many bytes of
/// payload, delivered to the next handler as one `ByteBuffer` (a slice, not a copy).
///
/// The length is checked against `maxFrameBytes` as soon as its 4 bytes arrived, before anything
/// is reserved for the payload, so a peer cannot make the receiver allocate by announcing a huge
/// frame. Too large a length throws `TransportError.frameTooLarge`; `TransportPipeline` closes the
/// channel on it.
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// The largest payload accepted.
    public let maxFrameBytes: Int

    /// A decoder accepting payloads of up to `maxFrameBytes` bytes.
    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return .needMoreData
        }
        guard Int(length) <= maxFrameBytes else {
            throw TransportError.frameTooLarge(length: Int(length), limit: maxFrameBytes)
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let payload = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(Self.wrapInboundOut(payload))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool)
        throws -> DecodingState
    {
        // A partial frame at the end of the stream is dropped: the sender's round is simply lost
        // and repeated by the next one.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
