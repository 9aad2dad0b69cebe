extension PeerLink: SyncWaitable {
    /// Read from what the link's event loop last published (a copy under a mutex held for the
    /// copy) and the stream heads from the ledger (both in memory). The loop publishes before
    /// `channelRead` returns, so a waiter woken by `LinkActivityHandler` sees the frame's effect.
    /// The one place `cairn sync --wait` looks inside a link.
    func waitProgress() -> SyncWaitProgress {
        let copy = published.withLock { $0 }
        let local = site.vector(levels: copy.commonLevels)
        return SyncWaitProgress(
            active: channel.isActive, drained: copy.drained,
            missing: copy.knowledge?.missing(local: local, levels: copy.commonLevels).values.reduce(0, +) ?? 0,
            received: copy.deltasReceived + copy.duplicatesReceived)
    }

    func activity() async -> LinkActivity? {
        await LinkActivityHandler.activity(of: channel)
    }
}
