import Foundation
import NIOCore

extension PeerLink {
    /// Most frames whose store work may be outstanding at once: more than the acknowledgement
    /// window allows is a peer that keeps sending without waiting for answers.
    var maxQueuedFrames: Int { context.limits.maxUnackedBatches * 2 + 8 }

    /// Store work caused by a frame the peer sent (called on the loop): `work` runs off the loop
    /// on the link's serial queue, after the work of every frame before it (a certificate is
    /// known before the deltas that follow it), and `then` gets its result on the loop, in the
    /// same order. A peer that keeps sending while far more work is outstanding than the
    /// acknowledgement window allows is flooding and is refused. (A `seriallyQueued` frame's
    /// `then` comes when its ledger job is done, possibly after those of later frames.)
    func serially<T: Sendable>(
        _ work: @escaping @Sendable () throws -> T, then: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        seriallyQueued({ done in done(Result { try work() }) }, then: then)
    }

    /// `serially` for work that hands its result on later, a job queued on the ledger: `start`
    /// runs on the serial queue and returns at once, so the queue goes on to the next frame's
    /// work (the next batch is verified while this one is stored; the ledger keeps the jobs in
    /// queue order). `then` runs on the loop once `start`'s completion is called; the frame
    /// counts against the flood bound until then.
    func seriallyQueued<T: Sendable>(
        _ start: @escaping @Sendable (@escaping @Sendable (Result<T, any Error>) -> Void) -> Void,
        then: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let queued = state.withValue { state -> Int in
            state.inboundQueued += 1
            return state.inboundQueued
        }
        guard queued <= maxQueuedFrames else {
            refuse("sent \(queued) frames that need the store without waiting for answers", code: "flooding")
            return
        }
        let loop = eventLoop
        inbound.async {
            start { result in
                loop.execute {
                    self.state.value.inboundQueued -= 1
                    then(result)
                }
            }
        }
    }

    /// Store work of the link's own (not a frame's, so not counted against the peer), in the
    /// same order as the frames' work: `work` runs on the serial queue, `then` on the loop.
    /// Nothing of the link is held meanwhile; the loop goes on with other frames.
    func offLoop<T: Sendable>(
        _ work: @escaping @Sendable () throws -> T, then: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let loop = eventLoop
        inbound.async {
            let result = Result { try work() }
            loop.execute { then(result) }
        }
    }
}
