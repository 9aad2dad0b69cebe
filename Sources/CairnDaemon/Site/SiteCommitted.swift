import CairnModel

/// What follows each durable group of a site's ledger: the feeds (withdrawals first, then the
/// stored deltas for gossip, then the record changes for watchers), the background drains a
/// group left work for, and the counts of stored deltas.
struct SiteCommitted: LedgerParticipant {
    let site: WeakSite
    let device: DeviceID
    let metrics: SiteMetrics

    func committed(_ context: WriteContext) {
        guard let site = site.value else { return }
        if !context.backlogLeft.isEmpty { site.backlog.wake() }
        if context.withdrawalLeft { site.withdrawalDrain.wake() }
        if context.withdrew {
            // Before the deltas: a peer must learn of the withdrawal before it receives (and
            // passes on) the grants of the keys rotated because of it, or it could grant them to
            // the withdrawn device itself. Frames on one connection arrive in order.
            site.feeds.withdrawals.publish(())
        }
        if !context.batch.deltas.isEmpty {
            site.feeds.deltas.publish(
                context.batch.deltas.compactMap { delta in
                    // Authors of a committed batch are verified device ids; this only names the streams.
                    (try? DeviceID(delta.author)).map { (StreamID(author: $0, level: delta.level), delta.sequence) }
                })
            for delta in context.batch.deltas {
                let origin = delta.author == device.bytes ? "local" : "peer"
                metrics.count("cairn_deltas_stored_total", [("level", delta.level), ("origin", origin)])
            }
        }
        if !context.changes.isEmpty, !site.feeds.changes.isEmpty {
            site.feeds.changes.publish(CommittedChanges(changes: context.changes, devices: context.devices))
        }
    }
}

/// A reference to a site that does not keep it alive (the ledger's participants outlive
/// nothing: the site owns its ledger).
struct WeakSite: Sendable {
    weak var value: Site?
}
