import CairnProtocol
import CairnTransport
import NIOCore

/// The application handler of a `TestPeer`, after Cairn's transport (TLS, idle timeout,
/// framing): sends `hello` once the TLS handshake completed, records every frame, and writes
/// the answers the recorder's honest replica gives.
final class TestPeerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let recorder: TestPeerRecorder
    private let hello: SyncFrame?

    init(recorder: TestPeerRecorder, hello: SyncFrame?) {
        self.recorder = recorder
        self.hello = hello
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let completed = event as? TLSHandshakeCompleted {
            recorder.handshakeCompleted(completed.peer)
            if let hello { write(hello, context: context) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = Self.unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        for answer in recorder.receive(bytes) { write(answer, context: context) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        recorder.error(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        recorder.connectionClosed()
        context.fireChannelInactive()
    }

    private func write(_ frame: SyncFrame, context: ChannelHandlerContext) {
        let bytes = frame.encode()
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
    }
}

@available(*, unavailable)
extension TestPeerHandler: Sendable {}
