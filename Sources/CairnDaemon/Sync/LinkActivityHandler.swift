import NIOCore

/// Hears of every change a sync connection makes to what `cairn sync --wait` waits for: each
/// frame read, and the connection's end.
typealias LinkActivity = Feed<Void>

/// Sits just before `SyncHandler` in a sync connection's pipeline and publishes to the link's
/// `LinkActivity` after each frame `SyncHandler` has handled, and when the connection ends.
/// `SyncHandler` handles a frame (an acknowledgement, a round's summary or vector) on the event
/// loop before `channelRead` returns, so a waiter woken here sees its effect; what a frame
/// hands to the store shows later, through the site's delta feed. Publishing to a feed nobody
/// subscribed to costs a lock.
final class LinkActivityHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let activity = LinkActivity()

    init() {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        if !activity.isEmpty { activity.publish(()) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
        activity.publish(())
    }

    /// The activity feed of the sync connection `channel` (nil once it has closed, or if it has
    /// no such handler).
    static func activity(of channel: any Channel) async -> LinkActivity? {
        // Fails only when the channel has closed or has no such handler: no activity to hear of
        // (a closed link ends its wait by its own `active`).
        try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: LinkActivityHandler.self).activity
        }.get()
    }
}
