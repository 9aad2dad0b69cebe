import CairnProtocol
import CairnTestSupport
import CairnTransport
import Foundation
import NIOCore
import NIOPosix

/// A sync peer played in-process: it dials a real daemon over Cairn's own transport (TLS 1.3,
/// ALPN cairn/1, length-prefixed frames) with whatever identity the test gives it, says `Hello`,
/// records every frame the daemon sends, answers rounds and batches like an honest replica,
/// and sends whatever the test asks, including what no honest peer would.
final class TestPeer: Sendable {
    let channel: any Channel
    let recorder: TestPeerRecorder
    let identity: TestPeerIdentity

    private init(channel: any Channel, recorder: TestPeerRecorder, identity: TestPeerIdentity) {
        self.channel = channel
        self.recorder = recorder
        self.identity = identity
    }

    /// Connects to the daemon listening on `port` as `identity`.
    /// - Parameters:
    ///   - hello: send `Hello` (this federation, charter 1, the identity's certificate) as soon
    ///     as the TLS handshake completed.
    ///   - honest: answer rounds and acknowledge batches; otherwise only record.
    static func connect(
        port: UInt16, as identity: TestPeerIdentity, hello: Bool = true, honest: Bool = true
    ) throws -> TestPeer {
        let context = try TLSContext(role: .client, identity: identity.keys.tls)
        let recorder = TestPeerRecorder(ownClearance: identity.clearance, honest: honest)
        let charter = TestKeys.charter()
        let helloFrame: SyncFrame? =
            hello
            ? .hello(
                HelloFrame(
                    federationID: charter.federationID, charterVersion: charter.version,
                    certificate: identity.certificate,
                    // The test peer speaks whole-vector rounds (protocol 1) only.
                    features: SyncFrame.features & ~SyncFrame.reconcileFeature))
            : nil
        let options = TransportOptions(handshakeTimeout: .seconds(10), idleTimeout: .seconds(120))
        let channel = try ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try TransportPipeline.configureSync(channel, context: context, options: options)
                    try channel.pipeline.syncOperations.addHandler(
                        TestPeerHandler(recorder: recorder, hello: helloFrame))
                }
            }
            .connect(host: "127.0.0.1", port: Int(port)).wait()
        return TestPeer(channel: channel, recorder: recorder, identity: identity)
    }

    var snapshot: TestPeerRecorder.Snapshot { recorder.snapshot }

    /// Sends one frame (framed by the transport).
    func send(_ frame: SyncFrame) {
        let bytes = frame.encode()
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    /// Writes `bytes` straight into the TLS stream, past the frame encoder: a length prefix
    /// of the test's choosing, however large.
    func sendUnframed(_ bytes: [UInt8]) {
        let channel = self.channel
        channel.eventLoop.execute {
            guard let context = try? channel.pipeline.syncOperations.context(handlerType: FrameEncoder.self) else {
                return
            }
            context.writeAndFlush(NIOAny(channel.allocator.buffer(bytes: bytes)), promise: nil)
        }
    }

    /// Waits until `condition` holds for what was recorded; throws with `what` and the frames
    /// seen after `timeout`.
    @discardableResult
    func wait(
        _ what: String, timeout: TimeInterval = 10, until condition: (TestPeerRecorder.Snapshot) -> Bool
    ) throws -> TestPeerRecorder.Snapshot {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let snapshot = recorder.snapshot
            if condition(snapshot) { return snapshot }
            if Date() > deadline {
                let kinds = snapshot.received.map { $0.frame?.kind ?? "undecodable" }
                throw TestFailure(
                    "test peer: \(what) did not happen within \(timeout) s; frames \(kinds), "
                        + "goodbye \(snapshot.goodbye ?? "none"), closed \(snapshot.closed), errors \(snapshot.errors)")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Waits until the daemon admitted this peer (it sent what only an admitted peer gets).
    func waitUntilAdmitted(timeout: TimeInterval = 10) throws {
        try wait("admission", timeout: timeout) { $0.admitted }
    }

    /// Sends a batch of envelopes and waits for its acknowledgement.
    @discardableResult
    func sendDeltas(batch: UInt64, _ envelopes: [[UInt8]], timeout: TimeInterval = 10) throws -> AckCounts {
        send(.deltas(batch: batch, envelopes: envelopes))
        let snapshot = try wait("ack of batch \(batch)", timeout: timeout) { $0.ack(batch) != nil || $0.closed }
        guard let ack = snapshot.ack(batch) else {
            throw TestFailure("the daemon closed the connection without acknowledging batch \(batch)")
        }
        return ack
    }

    /// Waits until the daemon closed the connection.
    @discardableResult
    func waitUntilClosed(timeout: TimeInterval = 10) throws -> TestPeerRecorder.Snapshot {
        try wait("connection closed", timeout: timeout) { $0.closed }
    }

    /// Closes the connection (if still open) and waits until it is closed.
    func close() {
        channel.close(promise: nil)
        _ = try? channel.closeFuture.wait()
    }
}
