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
/// Protocol state lives behind one mutex; frames arrive on the channel's event loop, store work
/// runs on the blocking thread pool, and whoever changes the state may write to the channel.
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
    let state: Mutex<LinkState>
    /// Store work for received frames, in order.
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
        self.state = Mutex(LinkState())
    }

    var logger: Logger { context.logger }
    var site: Site { context.site }

    /// The verified peer, once its Hello has been accepted.
    var peer: DeviceCertificate? { state.withLock { $0.peer } }

    var name: String {
        if let peer { return "\(peer.ref)" }
        return configuredName ?? "unidentified"
    }

    // MARK: Sending

    /// Encodes and writes one frame, counting its bytes.
    func send(_ frame: SyncFrame) {
        let bytes = frame.encode()
        state.withLock { $0.bytesSent += UInt64(bytes.count + 4) }
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    var closeReason: String? { state.withLock { $0.closeReason } }

    /// Says why and closes. An admitted peer is told `reason` (or `answer`, if given); a peer
    /// not admitted is told `answer`, else `SyncContext.strangerGoodbye`, never the reason.
    func close(reason: String, code: String, answer: String? = nil) {
        let admitted = state.withLock { state -> Bool in
            state.closeReason = reason
            return state.peer != nil
        }
        if admitted || configuredName != nil {
            logger.warning("sync.connection_refused", metadata: ["peer": "\(name)", "reason": "\(code)"])
        } else {
            // Anyone who reaches the port can cause this at will: the metric and the
            // aggregated audit entry keep count; the log line is for debugging only.
            logger.debug("sync.connection_refused", metadata: ["remote": "\(source)", "reason": "\(code)"])
        }
        context.metrics.count("cairn_sync_connections_refused_total", [("reason", code)])
        send(.goodbye(answer ?? (admitted ? reason : SyncContext.strangerGoodbye)))
        channel.close(promise: nil)
    }

    /// Starts the session. The side that dialled introduces itself first; the side that
    /// accepted sends its Hello only after admitting the dialler's, so that whoever merely
    /// reaches the port learns nothing of this site.
    func start() {
        if direction == .outbound { send(.hello(context.hello)) }
    }

    // MARK: Receiving

    /// Runs store work for received frames one after another, in arrival order (a certificate
    /// is known before the deltas that follow it). A peer that keeps sending while far more
    /// work is queued than the acknowledgement window allows is flooding and is refused.
    func serially(_ work: @escaping @Sendable () -> Void) {
        let queued = state.withLock { state -> Int in
            state.inboundQueued += 1
            return state.inboundQueued
        }
        guard queued <= context.limits.maxUnackedBatches * 2 + 8 else {
            refuse("sent \(queued) frames that need the store without waiting for answers", code: "flooding")
            return
        }
        inbound.async {
            work()
            self.state.withLock { $0.inboundQueued -= 1 }
        }
    }

    /// One frame from the peer (on the event loop).
    func receive(_ bytes: [UInt8]) {
        let closing = state.withLock { state -> Bool in
            state.bytesReceived += UInt64(bytes.count + 4)
            return state.closeReason != nil
        }
        // Refused or saying goodbye: what the peer sent meanwhile is not answered (nor refused
        // a second time).
        guard !closing else { return }
        let frame: SyncFrame
        do {
            frame = try SyncFrame.decode(bytes, limits: context.limits)
        } catch {
            refuse("malformed frame: \(error)", code: "malformed_frame")
            return
        }
        let ready = state.withLock { $0.peer != nil }
        guard ready else {
            guard case .hello(let hello) = frame else {
                refuse("the first message must be Hello", code: "protocol")
                return
            }
            receiveHello(hello)
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
            let failure = state.withLock { state -> SyncError? in
                guard var outbox = state.outbox, var session = state.session else { return nil }
                let inFlightBefore = outbox.unacknowledgedBatches
                do throws(SyncError) {
                    session.noteDelivered(try outbox.acknowledge(counts))
                } catch {
                    return error
                }
                state.outbox = outbox
                state.session = session
                // Progress (a batch acknowledged, not a late or repeated ack): the timeout
                // restarts, or stops when nothing is left in flight.
                if outbox.unacknowledgedBatches < inFlightBefore {
                    state.waitingForAckSince = outbox.unacknowledgedBatches > 0 ? Date() : nil
                }
                return nil
            }
            if let failure { refuse("bad acknowledgement: \(failure)", code: "protocol") } else { pump() }
        case .certificates(let certificates):
            receiveCertificates(certificates)
        case .trust(let revocations, let charters):
            receiveTrust(revocations: revocations, charters: charters)
        case .auditHeads(let own, let yours):
            receiveAuditHeads(own: own, yours: yours)
        case .goodbye(let reason):
            logger.notice("sync.peer_goodbye", metadata: ["peer": "\(name)", "reason": "\(Self.printable(reason))"])
            state.withLock { $0.closeReason = "the peer closed the connection: \(Self.printable(reason))" }
            channel.close(promise: nil)
        }
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

    private func receiveHello(_ hello: HelloFrame) {
        let verdict = context.admit(hello, tlsKey: tlsKey)
        switch verdict {
        case .failure(let refusal):
            refuse(refusal.message, code: refusal.code, answer: refusal.answer)
        case .success(let certificate):
            let common = Set(site.identity.levels.levels(atOrBelow: context.lower(site.identity.clearance, certificate.clearance)))
            state.withLock { state in
                state.peer = certificate
                state.peerCharterVersion = hello.charterVersion
                state.session = ReconciliationSession(commonLevels: common, limits: context.limits)
                state.outbox = DeltaOutbox(commonLevels: common, limits: context.limits)
                state.commonLevels = common
                state.auditHeads.peerUnderstands = hello.announces(SyncFrame.auditHeadsFeature)
            }
            guard context.registry.register(self) else {
                close(reason: "too many connections from \(certificate.ref)", code: "too_many_connections")
                return
            }
            if direction == .inbound { send(.hello(context.hello)) }
            logger.info(
                "sync.peer_connected",
                metadata: ["peer": "\(certificate.ref)", "peer.clearance": "\(certificate.clearance)", "direction": "\(direction.rawValue)"])
            serially {
                do {
                    // Amendments and revocations first: they may withdraw devices whose
                    // certificates or deltas would follow.
                    self.sendTrust()
                    // Connected now: the peer is granted every key it lacks at once, whoever is
                    // responsible for it, so that its keys arrive before any backlog.
                    try self.site.keys.learn([certificate], from: "peer:\(certificate.ref)", serving: certificate.deviceID)
                    let certificates = self.context.certificates(for: certificate, common: common)
                    self.state.withLock { $0.certificatesSent.formUnion(certificates.map(\.deviceID)) }
                    // An empty list is refused by the peer as malformed: a site that holds no
                    // delta yet (keys are minted lazily) may have no certificate to pass on.
                    if !certificates.isEmpty { self.send(.certificates(certificates.map { $0.signed.serialized() })) }
                    self.startRound()
                    self.sendAuditHeads(force: true)
                } catch {
                    self.storeFailed("learn", error)
                }
            }
        }
    }

    /// A store error on this link's work: the link fails (logged, counted, closed) rather than
    /// going on as if the work was done; the peer reconnects and the next round repeats it.
    func storeFailed(_ operation: String, _ error: any Error) {
        logger.error("sync.store_failed", metadata: .error(error, ["peer": "\(name)", "operation": "\(operation)"]))
        context.metrics.count("cairn_sync_store_failures_total", [("operation", operation)])
        close(reason: "this site could not \(operation == "read" ? "read what to send" : "store what it received")", code: "store")
    }

    /// Sends every revocation held and the charter amendments the peer lacks (after the
    /// version it named in its Hello or was last sent), if there is anything to send.
    func sendTrust() {
        let known = state.withLock { $0.peerCharterVersion }
        let revocations = site.trust.revocationObjects()
        let charters: [[UInt8]]
        do {
            charters = try site.trust.charters(after: known)
        } catch {
            // The peer must not be served as if no amendment had withdrawn anyone.
            logger.error("sync.trust_failed", metadata: .error(error, ["peer": "\(name)"]))
            close(reason: "this site could not read its charter history", code: "store")
            return
        }
        guard !revocations.isEmpty || !charters.isEmpty else { return }
        state.withLock { $0.peerCharterVersion = max($0.peerCharterVersion, known + UInt64(charters.count)) }
        send(.trust(revocations: revocations, charters: charters))
    }

    private func receiveTrust(revocations: [[UInt8]], charters: [[UInt8]]) {
        let source = "peer:\(name)"
        serially {
            // Amendments first: a revocation is verified against the newest charter.
            do {
                try self.site.trust.accept(charters: charters, from: source)
                try self.site.trust.accept(revocations: revocations, from: source)
            } catch {
                // Not stored: taking the peer's next deltas would trust a withdrawn device.
                self.logger.error("sync.trust_failed", metadata: .error(error, ["peer": "\(self.name)"]))
                self.close(reason: "this site could not store a revocation or charter", code: "store")
            }
        }
    }

    private func receiveCertificates(_ certificates: [[UInt8]]) {
        serially {
            let charter = self.site.trust.charter()
            var verified: [DeviceCertificate] = []
            for bytes in certificates {
                do {
                    let signed = try SignedObject.parse(bytes: bytes, kind: .certificate)
                    verified.append(try DeviceCertificate.verifyIgnoringTime(signed, charter: charter))
                } catch {
                    // A certificate that does not verify is not used, only counted: a relay may
                    // pass on one issued under a charter this site does not hold yet.
                    self.context.metrics.count("cairn_sync_certificates_refused_total")
                }
            }
            do {
                try self.site.keys.learn(verified, from: "peer:\(self.name)")
            } catch {
                self.storeFailed("learn", error)
            }
        }
    }

    private func receiveDeltas(batch: UInt64, envelopes: [[UInt8]]) {
        guard let peer else { return }
        let source = DeltaSource(name: "\(peer.ref)", clearance: peer.clearance)
        serially {
            let report: IngestReport
            do {
                report = try self.site.ingest.ingest(envelopes, from: source)
            } catch {
                // Unacknowledged, the batch would hold the peer's window forever: start over.
                self.storeFailed("ingest", error)
                return
            }
            self.state.withLock { state in
                state.deltasReceived += UInt64(report.stored + report.released)
                state.duplicatesReceived += UInt64(report.duplicate)
                state.refusedReceived += UInt64(report.refused)
                for (level, count) in report.storedByLevel { state.receivedByLevel[level, default: 0] += UInt64(count) }
            }
            // The peer holds what it sent: none of it goes back, on any of its connections.
            for link in self.context.registry.links(of: peer.deviceID) {
                link.state.withLock { state in
                    for (stream, sequence) in report.senderHolds { state.session?.notePeerHolds(stream, through: sequence) }
                }
            }
            self.logger.debug(
                "sync.batch_stored",
                metadata: [
                    "peer": "\(self.name)", "batch": "\(batch)", "stored": "\(report.stored)", "duplicate": "\(report.duplicate)",
                    "pending": "\(report.pending)", "refused": "\(report.refused)",
                ])
            self.logProgressIfDue()
            self.send(
                .ack(
                    AckCounts(
                        batch: batch, stored: UInt32(report.stored), duplicate: UInt32(report.duplicate),
                        pending: UInt32(report.pending), refused: UInt32(report.refused))))
            // A peer that sends what it may not (above its clearance, forged, two histories of
            // its own stream) is refused; honest mistakes (unknown author, waiting) are not, nor
            // is relaying another author's equivocation (the relay may not have known).
            let ownEquivocation = report.equivocations.contains { $0.stream.author == peer.deviceID }
            if report.refused > 0, ownEquivocation || report.refusals.keys.contains(where: Self.hostileReasons.contains) {
                self.refuse("sent deltas refused as \(report.refusals.keys.sorted().joined(separator: ", "))", code: "hostile_deltas")
            }
        }
    }

    /// During a long catch-up, logs every 10 seconds how much arrived from the peer and how
    /// much it showed it holds that this site still lacks (for the journal of an operator
    /// watching a first sync).
    private func logProgressIfDue() {
        let due = state.withLock { state -> Bool in
            guard Date().timeIntervalSince(state.lastProgressLogAt) >= 10 else { return false }
            state.lastProgressLogAt = Date()
            return true
        }
        guard due else { return }
        let snapshot = snapshot()
        let missing = snapshot.missing.values.reduce(0, +)
        guard missing > 0 else { return }
        logger.info(
            "sync.catching_up",
            metadata: ["peer": "\(name)", "received": "\(snapshot.deltasReceived)", "missing": "\(missing)"])
    }

    /// A peer-supplied text made safe for logs: printable ASCII, at most 200 characters.
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7f }.prefix(200)))
    }

    /// Refusal reasons that only a lying or broken peer produces.
    static let hostileReasons: Set<String> = ["above_sender_clearance", "above_our_clearance", "bad_signature", "malformed"]
}
