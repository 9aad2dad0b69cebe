import NIOCore

@testable import CairnTransport

/// Promises a test awaits, completed by `ProbeHandler` from the channel's event loop. Each fails
/// by itself after `deadline`, so a missing event fails the test instead of hanging it (and no
/// promise is ever left unfulfilled, which NIO traps on in debug builds).
struct Probe: Sendable {
    struct TimedOut: Error {}

    let handshake: EventLoopPromise<TLSPeer>
    let frames: EventLoopPromise<[ByteBuffer]>
    let error: EventLoopPromise<any Error>
    /// How many frames complete `frames`.
    let expectedFrames: Int

    init(on loop: any EventLoop, expectedFrames: Int = 1, deadline: TimeAmount = .seconds(60)) {
        handshake = loop.makePromise()
        frames = loop.makePromise()
        error = loop.makePromise()
        self.expectedFrames = expectedFrames
        let probe = self
        loop.scheduleTask(in: deadline) { probe.finish() }
    }

    /// Fails whatever is still pending.
    func finish() {
        handshake.fail(TimedOut())
        frames.fail(TimedOut())
        error.fail(TimedOut())
    }
}

/// The application handler of the tests: records the handshake, frames and errors into a probe;
/// optionally echoes every frame and sends a greeting as soon as the channel is active (that is,
/// before the handshake completed).
final class ProbeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let probe: Probe
    private let echo: Bool
    private let greeting: ByteBuffer?
    private var frames: [ByteBuffer] = []

    init(probe: Probe, echo: Bool = false, greeting: ByteBuffer? = nil) {
        self.probe = probe
        self.echo = echo
        self.greeting = greeting
    }

    func channelActive(context: ChannelHandlerContext) {
        if let greeting { context.writeAndFlush(Self.wrapOutboundOut(greeting), promise: nil) }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let completed = event as? TLSHandshakeCompleted { probe.handshake.succeed(completed.peer) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        frames.append(frame)
        if frames.count == probe.expectedFrames { probe.frames.succeed(frames) }
        if echo { context.writeAndFlush(Self.wrapOutboundOut(frame), promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        probe.error.succeed(error)
    }
}
