import CairnModel
import CairnProtocol
import CairnTrust
import Foundation
import NIOCore

extension PeerLink {
    /// What the store work after an admission found: the trust objects the peer lacks (or why
    /// they could not be read) and the certificates it may be given.
    private struct AdmissionReads: Sendable {
        var trust: Result<TrustObjects, any Error>
        var certificates: [DeviceCertificate] = []
        /// The grants written for the peer at its admission, sent ahead of their stream.
        var earlyGrants: [[UInt8]] = []
    }

    /// The peer's Hello (on the loop): admitted or refused here, from what is in memory; the
    /// store work that follows an admission runs on the serial queue.
    func receiveHello(_ hello: HelloFrame) {
        switch context.admit(hello, tlsKey: tlsKey) {
        case .failure(let refusal) where refusal.code == "revoked":
            // A revoked device is given the signed objects that withdrew it before the Goodbye:
            // it can verify them against its own charter, and then knows it is revoked (its
            // `device list` says so) instead of dialling again and again.
            let site = self.site, known = hello.charterVersion
            // Refusing already: whatever the device sends meanwhile is neither answered nor
            // refused a second time (`receive` drops frames once a close reason is set).
            state.value.closeReason = refusal.message
            offLoop({ try site.trust(after: known) }) { result in
                if case .success(let trust) = result, !trust.isEmpty {
                    self.send(.trust(revocations: trust.revocations, charters: trust.charters))
                }
                self.refuse(refusal.message, code: refusal.code, answer: refusal.answer)
            }
        case .failure(let refusal):
            refuse(refusal.message, code: refusal.code, answer: refusal.answer)
        case .success(let certificate):
            admitted(certificate, hello: hello)
        }
    }

    private func admitted(_ certificate: DeviceCertificate, hello: HelloFrame) {
        let common = Set(site.levels.levels(atOrBelow: context.lower(site.clearance, certificate.clearance)))
        state.withValue { state in
            state.peer = certificate
            state.peerCharterVersion = hello.charterVersion
            state.peerListenPort = hello.listenPort
            state.session = ReconciliationSession(commonLevels: common, limits: context.limits)
            state.outbox = DeltaOutbox(commonLevels: common, limits: context.limits)
            state.commonLevels = common
            state.auditHeads.peerUnderstands = hello.announces(SyncFrame.auditHeadsFeature)
            state.reconcile.enabled =
                hello.announces(SyncFrame.reconcileFeature) && context.hello.announces(SyncFrame.reconcileFeature)
            state.reconcile.wholeLists = hello.announces(SyncFrame.reconcileListsFeature)
        }
        // Before registering: the registry files the link under the peer it publishes.
        publish()
        guard context.registry.register(self) else {
            close(reason: "too many connections from \(certificate.ref)", code: "too_many_connections")
            return
        }
        site.noteConnection(of: certificate.deviceID, connected: true)
        if direction == .inbound { send(.hello(context.hello)) }
        logger.info(
            "sync.peer_connected",
            metadata: ["peer": "\(certificate.ref)", "peer.clearance": "\(certificate.clearance)", "direction": "\(direction.rawValue)"])
        let site = self.site, known = hello.charterVersion, takesEarlyGrants = hello.announces(SyncFrame.earlyGrantsFeature)
        serially({
            // Amendments and revocations first: they may withdraw devices whose certificates
            // or deltas would follow.
            let trust = Result { try site.trust(after: known) }
            guard case .success = trust else { return AdmissionReads(trust: trust) }
            let grants = try site.learnServing(certificate, from: "peer:\(certificate.ref)")
            return AdmissionReads(
                trust: trust, certificates: site.certificates(sharedWith: certificate, levels: common),
                earlyGrants: takesEarlyGrants ? grants : [])
        }) { result in
            switch result {
            case .failure(let error):
                self.storeFailed("learn", error)
            case .success(let reads):
                switch reads.trust {
                case .failure(let error):
                    self.trustUnreadable(error)
                case .success(let trust):
                    // The keys first: a grant written now is the newest delta of this site's
                    // stream, behind everything the peer lacks of it (Protocol.md, "Early grants").
                    if !reads.earlyGrants.isEmpty { self.send(.earlyGrants(reads.earlyGrants)) }
                    self.sendTrust(trust, after: known)
                    self.sendCertificates(reads.certificates)
                    self.startOpeningRound()
                    self.sendAuditHeads(force: true)
                }
            }
        }
    }

    /// The certificates of the opening (on the loop, after the trust objects). On a protocol-2
    /// link the dialling side reconciles them (`startCertificateSession`) and the other side
    /// answers; otherwise all of `certificates`, those the peer may be given, are sent.
    private func sendCertificates(_ certificates: [DeviceCertificate]) {
        guard state.value.reconcile.enabled else {
            state.value.reconcile.certificatesSettled = true
            state.value.certificatesSent.formUnion(certificates.map(\.deviceID))
            // An empty list is refused by the peer as malformed: a site that holds no delta
            // yet (keys are minted lazily) may have no certificate to pass on.
            if !certificates.isEmpty { send(.certificates(certificates.map { $0.signed.serialized() })) }
            pump()
            return
        }
        if direction == .outbound { startCertificateSession(certificates) }
        eventLoop.scheduleTask(in: context.certificateSessionTimeout) {
            guard !self.state.value.reconcile.certificatesSettled, self.state.value.closeReason == nil else { return }
            self.logger.warning("sync.certificates_unsettled", metadata: ["peer": "\(self.name)"])
            self.context.metrics.count("cairn_sync_reconcile_failures_total", [("reason", "timeout")])
            self.settleCertificatesByFallback()
        }
    }

    // MARK: Trust

    /// Sends every revocation held and the charter amendments the peer lacks (after the
    /// version it named in its Hello or was last sent), if there is anything to send. From any
    /// thread: the history is read on the serial queue, the frame sent from the loop.
    func sendTrust() {
        onLoop {
            let site = self.site, known = self.state.value.peerCharterVersion
            self.offLoop({ try site.trust(after: known) }) { result in
                switch result {
                case .failure(let error): self.trustUnreadable(error)
                case .success(let trust): self.sendTrust(trust, after: known)
                }
            }
        }
    }

    /// Sends `trust`, read for a peer known to hold charter `known` (on the loop).
    func sendTrust(_ trust: TrustObjects, after known: UInt64) {
        state.withValue { $0.trustSent = trust.mark.merged(with: $0.trustSent) }
        guard !trust.isEmpty else { return }
        state.withValue { $0.peerCharterVersion = max($0.peerCharterVersion, known + UInt64(trust.charters.count)) }
        send(.trust(revocations: trust.revocations, charters: trust.charters))
    }

    /// The peer must not be served as if no amendment had withdrawn anyone.
    private func trustUnreadable(_ error: any Error) {
        logger.error("sync.trust_failed", metadata: .error(error, ["peer": "\(name)"]))
        close(reason: "this site could not read its charter history", code: "store")
    }

    func receiveTrust(revocations: [[UInt8]], charters: [[UInt8]]) {
        let site = self.site, source = "peer:\(name)"
        serially({
            // Amendments first: a revocation is verified against the newest charter.
            try site.accept(charters: charters, from: source)
            try site.accept(revocations: revocations, from: source)
        }) { result in
            guard case .failure(let error) = result else { return }
            // Not stored: taking the peer's next deltas would trust a withdrawn device.
            self.logger.error("sync.trust_failed", metadata: .error(error, ["peer": "\(self.name)"]))
            self.close(reason: "this site could not store a revocation or charter", code: "store")
        }
    }

    func receiveCertificates(_ certificates: [[UInt8]]) {
        let site = self.site, metrics = context.metrics, source = "peer:\(name)"
        serially({
            let charter = site.charter()
            var verified: [DeviceCertificate] = []
            for bytes in certificates {
                do {
                    let signed = try SignedObject.parse(bytes: bytes, kind: .certificate)
                    verified.append(try DeviceCertificate.verifyIgnoringTime(signed, charter: charter))
                } catch {
                    // A certificate that does not verify is not used, only counted: a relay may
                    // pass on one issued under a charter this site does not hold yet.
                    metrics.count("cairn_sync_certificates_refused_total")
                }
            }
            try site.learn(verified, from: source, serving: nil)
        }) { result in
            if case .failure(let error) = result { self.storeFailed("learn", error) }
        }
    }
}
