import CairnCrypto
import NIOCore
import NIOPosix

@testable import CairnTransport

/// Real TCP connections on 127.0.0.1 with `TransportPipeline` on both ends.
enum Loopback {
    static var group: MultiThreadedEventLoopGroup { .singleton }

    /// A listening server on an ephemeral port; every accepted connection gets the transport and
    /// a `ProbeHandler` reporting to `probe`.
    static func server(
        context: TLSContext, options: TransportOptions = TransportOptions(), probe: Probe, echo: Bool = false
    ) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try TransportPipeline.configureSync(channel, context: context, options: options)
                    try channel.pipeline.syncOperations.addHandler(ProbeHandler(probe: probe, echo: echo))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// A client connected to `server` through the transport, reporting to `probe`.
    static func client(
        to server: any Channel, context: TLSContext, options: TransportOptions = TransportOptions(), probe: Probe,
        greeting: ByteBuffer? = nil
    ) async throws -> any Channel {
        try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                TransportPipeline.configure(channel, context: context, options: options).flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(ProbeHandler(probe: probe, greeting: greeting))
                }
            }
            .connect(to: server.localAddress!).get()
    }

    /// A bare TCP connection that sends nothing.
    static func silentClient(to server: any Channel) async throws -> any Channel {
        try await ClientBootstrap(group: group).connect(to: server.localAddress!).get()
    }

    /// A listening socket with no handlers, as a channel to configure.
    static func silentServer() async throws -> any Channel {
        try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
    }
}
