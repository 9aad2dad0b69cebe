import CairnModel
import CairnProtocol
import CairnTrust
import Foundation
import Logging
import NIOCore
import Synchronization

/// One authenticated sync connection with a peer device, after TLS: the Hello exchange, the
/// reconciliation rounds, the outgoing deltas and their acknowledgements, and the counters
/// `status` shows.
///
/// The protocol state belongs to the channel's event loop (`state`): frames arrive there and
/// every change happens there, so it needs no lock. Store work is planned on the loop and runs
/// off it, holding nothing of the link's: what the peer sent on the link's serial queue
/// (`serially`), the reads of outgoing batches on the thread pool (`pump`). Results hop back
/// with `eventLoop.execute`. Other threads (pushes, rounds, withdrawals) hop to the loop too,
/// and read only what the loop published (`published`, the byte counters).
final class PeerLink: Sendable {
    enum Direction: String, Sendable { case inbound, outbound }

    let channel: any Channel
    let direction: Direction
    /// The configured name of the peer this connection was dialled for (outbound only).
    let configuredName: String?
    /// The Ed25519 key the peer proved in the TLS handshake.
    let tlsKey: [UInt8]
    /// The remote address as the admission gate and the aggregated audit count it.
    let source: String
    let context: SyncContext
    let connectedAt = Date()
    /// The protocol state: read and changed on the channel's event loop only.
    let state: NIOLoopBoundBox<LinkState>
    /// What other threads may read of `state`, replaced by the loop after each change (a mutex
    /// held for a copy, never across I/O).
    let published = Mutex(LinkPublished())
    /// Bytes moved on the connection, length prefixes included.
    let bytesSent = Atomic<UInt64>(0)
    let bytesReceived = Atomic<UInt64>(0)
    /// Store work for received frames, in arrival order.
    let inbound = DispatchQueue(label: "cairn.sync.link")

    init(
        channel: any Channel, direction: Direction, configuredName: String?, tlsKey: [UInt8], source: String, context: SyncContext
    ) {
        self.channel = channel
        self.direction = direction
        self.configuredName = configuredName
        self.tlsKey = tlsKey
        self.source = source
        self.context = context
        self.state = .makeBoxSendingValue(LinkState(), eventLoop: channel.eventLoop)
    }

    var eventLoop: any EventLoop { channel.eventLoop }
    var logger: Logger { context.logger }
    var site: any SyncSite { context.site }

    /// The verified peer, once its Hello has been accepted (from any thread).
    var peer: DeviceCertificate? { published.withLock { $0.peer } }

    /// The port the verified peer said its own listener is on (0: not said).
    var peerListenPort: UInt16 { published.withLock { $0.peerListenPort } }

    /// Whether the peer's Hello was admitted (on the event loop).
    var isAdmitted: Bool { state.value.peer != nil }

    var name: String {
        if let peer { return "\(peer.ref)" }
        return configuredName ?? "unidentified"
    }

    var closeReason: String? { published.withLock { $0.closeReason } }
    /// The refusal code that ended the link, the peer's (see `refusedByPeer(_:code:)`) or this
    /// site's own (`close(reason:code:answer:)`).
    var refusalCode: String? { published.withLock { $0.refusal } }

    /// Runs `body` on the event loop: at once when called there, else as the loop's next task.
    func onLoop(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }

    /// Copies what other threads may read of the state (on the loop, after a change).
    func publish() {
        let copy = state.value.published
        published.withLock { $0 = copy }
    }

    // MARK: Sending

    /// Encodes and writes one frame, counting its bytes (on the loop; from elsewhere it hops
    /// there, so frames keep the order of the calls).
    func send(_ frame: SyncFrame) {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.send(frame) }
            return
        }
        let bytes = frame.encode()
        bytesSent.add(UInt64(bytes.count + 4), ordering: .relaxed)
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Says why and closes. An admitted peer is told `reason` (or `answer`, if given); a peer
    /// not admitted is told `answer`, else `SyncContext.strangerGoodbye`, never the reason.
    func close(reason: String, code: String, answer: String? = nil) {
        onLoop {
            let admitted = self.state.withValue { state -> Bool in
                state.closeReason = reason
                state.refusal = code
                return state.peer != nil
            }
            self.publish()
            if admitted || self.configuredName != nil {
                self.logger.warning("sync.connection_refused", metadata: ["peer": "\(self.name)", "reason": "\(code)"])
            } else {
                // Anyone who reaches the port can cause this at will: the metric and the
                // aggregated audit entry keep count; the log line is for debugging only.
                self.logger.debug("sync.connection_refused", metadata: ["remote": "\(self.source)", "reason": "\(code)"])
            }
            self.context.metrics.count("cairn_sync_connections_refused_total", [("reason", code)])
            // The code goes with the text: to an admitted peer, and to a dialler that is told why
            // (a device this federation certified); never to a stranger.
            let told = admitted || (answer != nil && answer != SyncContext.strangerGoodbye)
            self.send(.goodbye(answer ?? (admitted ? reason : SyncContext.strangerGoodbye), code: told ? code : ""))
            self.channel.close(promise: nil)
        }
    }

    /// Starts the session (on the loop). The side that dialled introduces itself first; the
    /// side that accepted sends its Hello only after admitting the dialler's, so that whoever
    /// merely reaches the port learns nothing of this site.
    func start() {
        if direction == .outbound { send(.hello(context.hello)) }
    }

    // MARK: Receiving

    /// One frame from the peer (on the event loop).
    func receive(_ bytes: [UInt8]) {
        bytesReceived.add(UInt64(bytes.count + 4), ordering: .relaxed)
        // Refused or saying goodbye: what the peer sent meanwhile is not answered (nor refused
        // a second time).
        guard state.value.closeReason == nil else { return }
        let frame: SyncFrame
        do {
            frame = try SyncFrame.decode(bytes, limits: context.limits)
        } catch {
            refuse("malformed frame: \(error)", code: "malformed_frame")
            return
        }
        guard isAdmitted else {
            switch frame {
            case .hello(let hello):
                receiveHello(hello)
            case .goodbye(let reason, let code) where direction == .outbound:
                // The site this one dialled refused it, and says why: not a fault of that site.
                refusedByPeer(reason, code: code)
            case .trust(let revocations, let charters) where direction == .outbound && !state.value.trustBeforeAdmission:
                // What a site sends before refusing a revoked device: the signed objects that
                // withdrew it, verified here against this site's own charter like any others.
                // Once: the site has not said who it is, so it gets no more verifying work (nor
                // refusal lines) out of this one than one frame's worth.
                state.value.trustBeforeAdmission = true
                receiveTrust(revocations: revocations, charters: charters)
            default:
                refuse("the first message must be Hello", code: "protocol")
            }
            return
        }
        switch frame {
        case .hello:
            refuse("Hello sent twice", code: "protocol")
        case .summary, .agree, .vector:
            handleRound(frame)
        case .deltas(let batch, let envelopes):
            logger.debug("sync.batch_received", metadata: ["peer": "\(name)", "batch": "\(batch)", "deltas": "\(envelopes.count)"])
            receiveDeltas(batch: batch, envelopes: envelopes)
        case .ack(let counts):
            receiveAck(counts)
        case .certificates(let certificates):
            receiveCertificates(certificates)
        case .trust(let revocations, let charters):
            receiveTrust(revocations: revocations, charters: charters)
        case .auditHeads(let own, let yours):
            receiveAuditHeads(own: own, yours: yours)
        case .reconcile(let bytes):
            receiveReconcile(bytes)
        case .earlyGrants(let envelopes):
            receiveEarlyGrants(envelopes)
        case .goodbye(let reason, _):
            logger.notice("sync.peer_goodbye", metadata: ["peer": "\(name)", "reason": "\(Self.printable(reason))"])
            state.value.closeReason = "the peer closed the connection: \(Self.printable(reason))"
            publish()
            channel.close(promise: nil)
        }
    }

    /// The site this one dialled refused it before admitting it: kept for `peer list` and the
    /// dialler, logged, and the connection closed. Not audited as a refusal of the peer's: the
    /// peer did nothing wrong (the refusing site audits it).
    func refusedByPeer(_ reason: String, code: String) {
        let text = Self.printable(reason)
        let code = Self.printable(code)
        logger.warning("sync.refused_by_peer", metadata: ["peer": "\(name)", "reason": "\(code.isEmpty ? "unknown" : code)"])
        state.withValue { state in
            state.closeReason = "refused by the peer: \(text)" + (code.isEmpty ? "" : " (\(code))")
            state.refusal = code.isEmpty ? nil : code
        }
        publish()
        channel.close(promise: nil)
    }

    /// Refuses the peer's behaviour: audited (aggregated by source before admission), logged,
    /// connection closed. `answer` is what a peer not admitted is told instead of
    /// `SyncContext.strangerGoodbye` (see `SyncContext.Refusal`).
    func refuse(_ reason: String, code: String, answer: String? = nil) {
        if let peer {
            context.auditor.append("sync.peer_refused", actor: "peer:\(peer.ref)", detail: ["reason": code, "detail": reason])
        } else {
            context.auditor.stranger("sync.peer_refused", reason: code, source: source, detail: reason)
        }
        close(reason: reason, code: code, answer: answer)
    }

    /// A store error on this link's work: the link fails (logged, counted, closed) rather than
    /// going on as if the work was done; the peer reconnects and the next round repeats it.
    func storeFailed(_ operation: String, _ error: any Error) {
        logger.error("sync.store_failed", metadata: .error(error, ["peer": "\(name)", "operation": "\(operation)"]))
        context.metrics.count("cairn_sync_store_failures_total", [("operation", operation)])
        close(reason: "this site could not \(operation == "read" ? "read what to send" : "store what it received")", code: "store")
    }

    /// A peer-supplied text made safe for logs: printable ASCII, at most 200 characters.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7f }.prefix(200)))
    }

    /// Refusal reasons that only a lying or broken peer produces.
    static let hostileReasons: Set<String> = ["above_sender_clearance", "above_our_clearance", "bad_signature", "malformed"]
}
