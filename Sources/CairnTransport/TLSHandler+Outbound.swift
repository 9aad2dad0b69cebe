import NIOCore

extension TLSHandler {
    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        write(Self.unwrapOutboundIn(data), promise: promise, context: context)
    }

    public func flush(context: ChannelHandlerContext) {
        switch engine.state {
        case .handshaking: heldFlush = true
        case .established: sendCiphertext(context: context, flush: true)
        case .closed, .failed: context.flush()
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all, closePromises != nil {
            // Already waiting for close_notify to be written: this close completes with that one.
            if let promise { closePromises?.append(promise) }
            return
        }
        guard mode == .all, !finished else {
            context.close(mode: mode, promise: promise)
            return
        }
        finished = true
        cancelTimer()
        failWaitingWrites(with: .connectionClosed, keepingUnsent: true)
        // close_notify (queued only if the handshake completed) goes out after the application
        // data still waiting; close once it was written, or after the handshake timeout if the
        // peer stopped reading.
        engine.close()
        guard engine.pendingCiphertextBytes > 0 else {
            context.close(mode: .all, promise: promise)
            return
        }
        closePromises = promise.map { [$0] } ?? []
        let written = context.eventLoop.makePromise(of: Void.self)
        unsentPromises.append(written)
        sendCiphertext(context: context, flush: true)
        written.futureResult.assumeIsolated().whenComplete { _ in self.forwardClose(context: context) }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: handshakeTimeout) {
            self.forwardClose(context: context)
        }
    }

    func write(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        switch engine.state {
        case .handshaking:
            guard !finished, heldWriteBytes + buffer.readableBytes <= maxBufferedWriteBytes else {
                let limit = maxBufferedWriteBytes
                promise?.fail(finished ? .connectionClosed : TransportError.bufferLimitExceeded(
                    what: "write buffer of the TLS handshake", limit: limit))
                return
            }
            heldWrites.append((buffer, promise))
            heldWriteBytes += buffer.readableBytes
        case .established where !finished:
            encrypt(buffer, promise: promise, context: context)
        case .established, .closed:
            promise?.fail(TransportError.connectionClosed)
        case .failed(let error):
            promise?.fail(error)
        }
    }

    private func encrypt(_ buffer: ByteBuffer, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        var rest = buffer
        do {
            while let slice = rest.readSlice(length: min(Self.slice, rest.readableBytes)), slice.readableBytes > 0 {
                try engine.write(slice)
                if engine.pendingCiphertextBytes >= Self.slice { sendCiphertext(context: context, flush: true) }
            }
        } catch {
            promise?.fail(error)
            fail(error, context: context)
            return
        }
        if let promise { unsentPromises.append(promise) }
    }

    /// Writes all ciphertext waiting in the engine as one buffer, completing the promises of the
    /// writes it carries.
    func sendCiphertext(context: ChannelHandlerContext, flush: Bool) {
        let pending = engine.pendingCiphertextBytes
        if pending > 0 {
            // Reuse one buffer: once the socket took the previous chunk it is ours alone again,
            // and `clear` keeps its memory; only while a chunk still waits is a new one allocated.
            var out = outboundBuffer ?? context.channel.allocator.buffer(capacity: pending)
            outboundBuffer = nil
            out.clear(minimumCapacity: pending)
            engine.collectCiphertext(into: &out)
            context.write(Self.wrapOutboundOut(out), promise: takeUnsentPromises(context: context))
            outboundBuffer = out
        } else {
            // Only empty writes can be waiting here: nothing of theirs is left to send.
            takeUnsentPromises(context: context)?.succeed()
        }
        if flush { context.flush() }
    }

    private func takeUnsentPromises(context: ChannelHandlerContext) -> EventLoopPromise<Void>? {
        defer { unsentPromises = [] }
        guard unsentPromises.count > 1 else { return unsentPromises.first }
        let combined = context.eventLoop.makePromise(of: Void.self)
        for promise in unsentPromises { combined.futureResult.cascade(to: promise) }
        return combined
    }

    /// Reports `error` once, sends the alert OpenSSL queued (if any), and closes the channel.
    func fail(_ error: TransportError, context: ChannelHandlerContext) {
        guard !finished else { return }
        finished = true
        cancelTimer()
        failWaitingWrites(with: error)
        if engine.pendingCiphertextBytes > 0 {
            var alert = context.channel.allocator.buffer(capacity: engine.pendingCiphertextBytes)
            engine.collectCiphertext(into: &alert)
            context.writeAndFlush(Self.wrapOutboundOut(alert), promise: nil)
        }
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    /// Fails held writes and, unless `keepingUnsent`, the promises of encrypted but unsent writes.
    func failWaitingWrites(with error: TransportError, keepingUnsent: Bool = false) {
        let held = heldWrites
        heldWrites = []
        heldWriteBytes = 0
        for (_, promise) in held { promise?.fail(error) }
        guard !keepingUnsent else { return }
        let unsent = unsentPromises
        unsentPromises = []
        for promise in unsent { promise.fail(error) }
    }

    private func forwardClose(context: ChannelHandlerContext) {
        guard let promises = closePromises else { return }
        closePromises = nil
        cancelTimer()
        let closed = context.eventLoop.makePromise(of: Void.self)
        for promise in promises { closed.futureResult.cascade(to: promise) }
        context.close(mode: .all, promise: closed)
    }
}
