import NIOCore

/// Prefixes each outbound `ByteBuffer` payload with its 4-byte big-endian length, refusing
/// payloads over `maxFrameBytes` with `TransportError.frameTooLarge` (the write fails, the error
/// is passed on, and `TransportPipeline` closes the channel).
///
/// A small payload is copied behind its prefix so that it travels in one TLS record; a large one
/// (up to the frame limit, megabytes) is passed on untouched after a separate prefix buffer, so
/// it is never copied on its way to the TLS handler.
public final class FrameEncoder: ChannelOutboundHandler, RemovableChannelHandler {
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Payloads up to this size are copied behind the prefix: one TLS record's worth.
    static let copyLimit = 16 * 1024 - 4

    /// The largest payload sent; the peer refuses more.
    public let maxFrameBytes: Int

    /// An encoder for payloads of up to `maxFrameBytes` bytes.
    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = Self.unwrapOutboundIn(data)
        let length = payload.readableBytes
        guard length <= maxFrameBytes, length <= Int(UInt32.max) else {
            let error = TransportError.frameTooLarge(length: length, limit: maxFrameBytes)
            promise?.fail(error)
            context.fireErrorCaught(error)
            return
        }
        let small = length <= Self.copyLimit
        var prefix = context.channel.allocator.buffer(capacity: small ? 4 + length : 4)
        prefix.writeInteger(UInt32(length), endianness: .big)
        if small {
            prefix.writeImmutableBuffer(payload)
            context.write(Self.wrapOutboundOut(prefix), promise: promise)
        } else {
            context.write(Self.wrapOutboundOut(prefix), promise: nil)
            context.write(Self.wrapOutboundOut(payload), promise: promise)
        }
    }
}

@available(*, unavailable)
extension FrameEncoder: Sendable {}
