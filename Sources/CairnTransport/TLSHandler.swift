import NIOCore

/// Runs a `TLSEngine` on a NIO channel: ciphertext `ByteBuffer`s in from the socket, plaintext
/// `ByteBuffer`s out to the next handler, and the reverse for writes.
///
/// A client starts the handshake when the channel becomes active, a server when the ClientHello
/// arrives; both close the channel if it has not completed within `handshakeTimeout`. Completion
/// fires the user inbound event `TLSHandshakeCompleted`. Writes made before it are held (up to
/// `maxBufferedWriteBytes`) and sent only after that event was delivered, so a handler that pins
/// the peer and closes on a mismatch sends nothing to the wrong peer. Any failure is passed on
/// with `fireErrorCaught(TransportError)` and closes the channel; a close sends close_notify first.
public final class TLSHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Plaintext and ciphertext move through the engine in slices of this size, which bounds what
    /// the engine buffers whatever the size of one read or write.
    static let slice = 64 * 1024

    let engine: TLSEngine
    let handshakeTimeout: TimeAmount
    let maxBufferedWriteBytes: Int
    var activated = false
    var timer: Scheduled<Void>?
    /// Writes made before the handshake completed, with their promises.
    var heldWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    var heldWriteBytes = 0
    var heldFlush = false
    /// The buffer of the last ciphertext chunk, kept for reuse.
    var outboundBuffer: ByteBuffer?
    /// Promises of writes whose ciphertext is still in the engine.
    var unsentPromises: [EventLoopPromise<Void>] = []
    /// Set once the handler failed or started closing: nothing more is sent but close_notify.
    var finished = false
    /// While close_notify is being written: the promises of the closes waiting for it.
    var closePromises: [EventLoopPromise<Void>]?

    /// A handler for one connection in `context`'s role.
    /// - Parameters:
    ///   - handshakeTimeout: how long the handshake may take from channel activation; also how
    ///     long a close waits for its close_notify to be written.
    ///   - maxBufferedWriteBytes: the most plaintext held while the handshake runs; writes past it
    ///     fail with `bufferLimitExceeded`.
    public init(context: TLSContext, handshakeTimeout: TimeAmount = .seconds(10), maxBufferedWriteBytes: Int = 4 << 20)
        throws(TransportError)
    {
        self.engine = try TLSEngine(context: context)
        self.handshakeTimeout = handshakeTimeout
        self.maxBufferedWriteBytes = maxBufferedWriteBytes
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { activate(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
    }

    public func channelActive(context: ChannelHandlerContext) {
        activate(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        finished = true
        failWaitingWrites(with: .connectionClosed)
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var ciphertext = Self.unwrapInboundIn(data)
        do {
            while let slice = ciphertext.readSlice(length: min(Self.slice, ciphertext.readableBytes)),
                slice.readableBytes > 0
            {
                if let peer = try engine.feed(slice) { handshakeCompleted(peer, context: context) }
                try deliverPlaintext(context: context)
            }
        } catch {
            fail(error, context: context)
            return
        }
        if !finished { sendCiphertext(context: context, flush: true) }
    }

    private func activate(context: ChannelHandlerContext) {
        guard !activated else { return }
        activated = true
        let timeout = handshakeTimeout
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            guard case .handshaking = self.engine.state, !self.finished else { return }
            self.fail(.handshakeTimedOut(milliseconds: timeout.nanoseconds / 1_000_000), context: context)
        }
        do {
            try engine.startHandshake()
        } catch {
            fail(error, context: context)
            return
        }
        sendCiphertext(context: context, flush: true)
    }

    private func handshakeCompleted(_ peer: TLSPeer, context: ChannelHandlerContext) {
        cancelTimer()
        context.fireUserInboundEventTriggered(TLSHandshakeCompleted(peer: peer))
        // The event's handler may have closed the channel: held writes then fail, unsent.
        let writes = heldWrites
        heldWrites = []
        heldWriteBytes = 0
        for (buffer, promise) in writes { write(buffer, promise: promise, context: context) }
        if heldFlush, !finished {
            heldFlush = false
            sendCiphertext(context: context, flush: true)
        }
    }

    private func deliverPlaintext(context: ChannelHandlerContext) throws(TransportError) {
        guard case .established = engine.state, !finished else { return }
        var plaintext = context.channel.allocator.buffer(capacity: 0)
        let result = try engine.readPlaintext(into: &plaintext)
        if plaintext.readableBytes > 0 { context.fireChannelRead(Self.wrapInboundOut(plaintext)) }
        if result == .peerClosed, !finished {
            // The peer will send nothing more: answer with our close_notify and close.
            close(context: context, mode: .all, promise: nil)
        }
    }

    func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}

@available(*, unavailable)
extension TLSHandler: Sendable {}
