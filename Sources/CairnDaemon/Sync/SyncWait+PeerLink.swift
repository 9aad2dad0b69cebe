extension PeerLink: SyncWaitable {
    /// Read from the link's state under its lock, and the stream heads from the ledger (both in
    /// memory). The one place `cairn sync --wait` looks inside a link.
    func waitProgress() -> SyncWaitProgress {
        let common = state.withLock { $0.commonLevels }
        let local = localVector(common)
        let active = channel.isActive
        return state.withLock { state in
            SyncWaitProgress(
                active: active, drained: state.outbox?.isIdle ?? true,
                missing: state.session?.missing(local: local).values.reduce(0, +) ?? 0,
                received: state.deltasReceived + state.duplicatesReceived)
        }
    }

    func activity() async -> LinkActivity? {
        await LinkActivityHandler.activity(of: channel)
    }
}
