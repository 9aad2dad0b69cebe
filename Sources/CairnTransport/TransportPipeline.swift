import NIOCore

/// The limits of one connection.
public struct TransportOptions: Sendable, Equatable {
    /// How long the TLS handshake may take from the moment the connection is open.
    public var handshakeTimeout: TimeAmount
    /// How long an established connection may go without receiving anything before it is closed.
    /// The daemon must send keep-alive frames more often than this.
    public var idleTimeout: TimeAmount
    /// The largest frame payload, each way; checked before any allocation.
    public var maxFrameBytes: Int

    /// The default frame limit: 4 MiB, room for a large batch of deltas.
    public static let defaultMaxFrameBytes = 4 << 20

    /// Options with Cairn's defaults: 10 s handshake, 60 s idle, 4 MiB frames.
    public init(
        handshakeTimeout: TimeAmount = .seconds(10),
        idleTimeout: TimeAmount = .seconds(60),
        maxFrameBytes: Int = TransportOptions.defaultMaxFrameBytes
    ) {
        self.handshakeTimeout = handshakeTimeout
        self.idleTimeout = idleTimeout
        self.maxFrameBytes = maxFrameBytes
    }
}

/// Installs Cairn's transport on a channel: TLS 1.3, idle timeout, then length-prefixed frames.
///
/// The application adds its own handler after these. It receives `TLSHandshakeCompleted` (pin
/// the peer's key there) and then one `ByteBuffer` per frame, writes one `ByteBuffer` per frame,
/// and sees every `TransportError` in `errorCaught`, after which the channel closes.
public enum TransportPipeline {
    /// Channel reads of 16 KiB to 256 KiB, growing with the traffic: bulk transfers read a large
    /// chunk per system call, idle connections hold little memory.
    static let readAllocator = AdaptiveRecvByteBufferAllocator(minimum: 16 * 1024, initial: 64 * 1024, maximum: 256 * 1024)

    /// Adds the transport's handlers to `channel` (from any thread), in `context`'s role:
    /// `TLSHandler`, NIO's `IdleStateHandler` with a handler that closes on its read event, the
    /// `FrameDecoder` and `FrameEncoder`, and a last handler that closes the channel on any error
    /// after passing it on. Frames written before the handshake completed are held, up to one
    /// frame of the maximum size (at least 1 MiB).
    public static func configure(
        _ channel: any Channel, context: TLSContext, options: TransportOptions = TransportOptions()
    ) -> EventLoopFuture<Void> {
        if channel.eventLoop.inEventLoop {
            return channel.eventLoop.makeCompletedFuture {
                try configureSync(channel, context: context, options: options)
            }
        }
        return channel.eventLoop.submit {
            try configureSync(channel, context: context, options: options)
        }
    }

    /// Adds the transport's handlers to `channel`; call it on the channel's event loop (in a
    /// bootstrap's channel initializer, for example).
    public static func configureSync(
        _ channel: any Channel, context: TLSContext, options: TransportOptions = TransportOptions()
    ) throws {
        guard options.maxFrameBytes > 0, options.maxFrameBytes <= Int(UInt32.max) else {
            throw TransportError.invalidOptions(reason: "maxFrameBytes must be between 1 and \(UInt32.max)")
        }
        try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: readAllocator)
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(
            TLSHandler(
                context: context, handshakeTimeout: options.handshakeTimeout,
                maxBufferedWriteBytes: max(options.maxFrameBytes + 4, 1 << 20)))
        try pipeline.addHandler(IdleStateHandler(readTimeout: options.idleTimeout))
        try pipeline.addHandler(IdleTimeoutHandler(timeout: options.idleTimeout))
        try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: options.maxFrameBytes)))
        try pipeline.addHandler(FrameEncoder(maxFrameBytes: options.maxFrameBytes))
        try pipeline.addHandler(CloseOnErrorHandler())
    }
}
