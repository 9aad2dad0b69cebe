import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTrust
import Foundation
import NIOPosix

/// Protocol 2: a round is a range-based reconciliation session over the stream heads of the
/// common levels (Docs/Protocol.md, "Range-based reconciliation (protocol 2)"), when both
/// Hellos announced it. The set of a session is built, and hashed with the session's salt, on
/// the thread pool; the messages after the first are small and answered on the loop.
extension PeerLink {
    /// Opens a session of ours over stream heads (on the loop), its first message as `opening`
    /// says; it replaces one still open, whose waiters wait for this one.
    func startReconcile(opening: ReconcileSession.Opening = .fingerprint, done: (@Sendable (Bool) -> Void)?) {
        let local = localVector()
        openSession(.streamHeads, opening: opening, done: done) { levels, limits throws(ReconcileError) in
            .streamHeads(try StreamHeadItems(local: local, levels: levels, limit: limits.maxSetItems))
        }
    }

    /// Opens the session over certificates that replaces sending them all when a connection
    /// opens (the dialling side, on the loop, once the trust objects are sent): `certificates`
    /// are those the peer may be given, read with them.
    func startCertificateSession(_ certificates: [DeviceCertificate]) {
        let excluded = endpoints()
        openSession(.certificates, opening: .fingerprint, done: nil) { _, limits throws(ReconcileError) in
            .certificates(try CertificateItems(certificates.filter { !excluded.contains($0.deviceID) }, limit: limits.maxSetItems))
        }
    }

    /// The two devices of the link: the peer learned each one's certificate from its Hello, so
    /// a session over certificates leaves them out (each side would otherwise hold one the
    /// other's set lacks, and send it at every opening).
    private func endpoints() -> Set<DeviceID> {
        var devices: Set<DeviceID> = [site.deviceID]
        if let peer = state.value.peer { devices.insert(peer.deviceID) }
        return devices
    }

    /// Opens a session of ours over `set` (on the loop), its items built by `items` on the
    /// thread pool from the common levels; it replaces one of ours over the same set still open,
    /// whose waiters wait for this one.
    private func openSession(
        _ set: ReconcileSetKind, opening: ReconcileSession.Opening, done: (@Sendable (Bool) -> Void)?,
        items build: @escaping @Sendable (Set<String>, ReconcileLimits) throws(ReconcileError) -> ReconcileRunItems
    ) {
        let key = ReconcileKey(set: set, ours: true), limits = state.value.reconcile.limits
        let (number, levels) = state.withValue { state -> (UInt64, Set<String>) in
            state.reconcile.lastOpened += 1
            var run = ReconcileRun(number: state.reconcile.lastOpened)
            run.waiters = state.reconcile.runs[key]?.waiters ?? []
            if let done { run.waiters.append(done) }
            state.reconcile.runs[key] = run
            state.lastFrameSentAt = Date()
            return (run.number, state.commonLevels)
        }
        onPool({
            Result { () throws(ReconcileError) -> (ReconcileRunItems, ReconcileSession, [UInt8]) in
                let items = try build(levels, limits)
                let (session, first) = try ReconcileSession.initiate(
                    set: items.set, session: number, salt: SecureRandom.bytes(ReconcileSession.saltLength), limits: limits,
                    opening: opening)
                return (items, session, first)
            }
        }) { result in
            // Replaced meanwhile by a newer session, or the link closed: nothing to do.
            guard self.state.value.reconcile.runs[key]?.number == number, self.state.value.closeReason == nil else { return }
            switch result {
            case nil:
                self.dropReconcile(key)
            case .failure(let error)?:
                self.reconcileFailed(error, keys: [key])
            case .success(let (items, session, first))?:
                self.install(key, session: session, items: items, framing: ReconcileLinkState.framing(first.count), sent: true)
                self.send(.reconcile(first))
            }
        }
    }

    /// A `reconcile` frame from the peer (on the loop): decoded here, once, to route it by set,
    /// session and round parity; any error ends that session, audited unless it is our own,
    /// and a whole-vector round follows.
    func receiveReconcile(_ bytes: [UInt8]) {
        guard state.value.reconcile.enabled else {
            refuse("sent a reconcile frame although the Hellos did not agree on protocol 2", code: "protocol")
            return
        }
        let message: ReconcileMessage
        do throws(ReconcileError) {
            message = try ReconcileMessage.decode(bytes, limits: state.value.reconcile.limits)
        } catch {
            // Not even its session is known: every session of the link goes.
            reconcileFailed(error, keys: Array(state.value.reconcile.runs.keys) + [ReconcileKey(set: .streamHeads, ours: true)])
            return
        }
        let key = ReconcileKey(set: message.set, ours: message.round % 2 == 0)
        if !key.ours && message.round == 1 {
            openPeerSession(message, size: bytes.count)
            return
        }
        enum Step {
            case stale, unknown, early, failed(ReconcileError), answered(ReconcileOutput)
        }
        let step = state.withValue { state -> Step in
            guard var run = state.reconcile.runs[key], run.number == message.session else {
                let last = key.ours ? state.reconcile.lastOpened : state.reconcile.lastPeerOpened[key.set, default: 0]
                return message.session >= 1 && message.session <= last ? .stale : .unknown
            }
            guard var session = run.session else { return .early }
            do throws(ReconcileError) {
                let output = try session.receive(message, size: bytes.count)
                run.session = session
                run.framing += ReconcileLinkState.framing(bytes.count) + (output.reply.map { ReconcileLinkState.framing($0.count) } ?? 0)
                state.reconcile.runs[key] = run
                if output.reply != nil { state.lastFrameSentAt = Date() }
                return .answered(output)
            } catch {
                return .failed(error)
            }
        }
        switch step {
        case .stale:
            // A late message of a session that was replaced or is over: ignored, but a peer
            // that keeps sending them is flooding.
            pressFlood("reconcile message of a session that is over")
        case .unknown:
            reconcileFailed(.outOfTurn("a message of session \(message.session), which was never opened"), keys: [key])
        case .early:
            reconcileFailed(.outOfTurn("round \(message.round) before the session's first answer"), keys: [key])
        case .failed(let error):
            reconcileFailed(error, keys: [key])
        case .answered(let output):
            if let reply = output.reply { send(.reconcile(reply)) }
            if output.finished { finishReconcile(key) }
        }
    }

    /// The peer opens a session (its round 1, on the loop): rate-limited as a `Summary`; our
    /// set is built and the message answered off the loop. A session over certificates is
    /// answered on the serial queue, after the work of the admission, so that the trust objects
    /// this site sends at admission go out before any certificate.
    private func openPeerSession(_ message: ReconcileMessage, size: Int) {
        let key = ReconcileKey(set: message.set, ours: false), limits = state.value.reconcile.limits
        enum Opening { case stale, flooding(SyncError), opened(Set<String>, DeviceCertificate) }
        let opening = state.withValue { state -> Opening? in
            guard var session = state.session, let peer = state.peer else { return nil }
            guard message.session > state.reconcile.lastPeerOpened[message.set, default: 0] else { return .stale }
            do throws(SyncError) {
                try session.notePeerSession(at: .now)
            } catch {
                return .flooding(error)
            }
            state.session = session
            state.reconcile.lastPeerOpened[message.set] = message.session
            state.reconcile.runs[key] = ReconcileRun(number: message.session)
            return .opened(state.commonLevels, peer)
        }
        guard case .opened(let levels, let peer)? = opening else {
            if case .flooding(let error)? = opening { refuse("round refused: \(error)", code: "flooding") }
            if case .stale? = opening { pressFlood("a reconcile session opened twice") }
            return
        }
        typealias Answered = Result<(ReconcileRunItems, ReconcileSession, ReconcileOutput), ReconcileError>
        @Sendable func answer(_ items: () throws(ReconcileError) -> ReconcileRunItems) -> Answered {
            Result { () throws(ReconcileError) -> (ReconcileRunItems, ReconcileSession, ReconcileOutput) in
                let items = try items()
                var session = ReconcileSession(responding: items.set, limits: limits)
                let output = try session.receive(message, size: size)
                return (items, session, output)
            }
        }
        let then: @Sendable (Answered?) -> Void = { result in
            guard let run = self.state.value.reconcile.runs[key], run.number == message.session, run.session == nil,
                self.state.value.closeReason == nil
            else { return }
            switch result {
            case nil:
                self.dropReconcile(key)
            case .failure(let error)?:
                self.reconcileFailed(error, keys: [key])
            case .success(let (items, session, output))?:
                self.install(
                    key, session: session, items: items,
                    framing: ReconcileLinkState.framing(size) + (output.reply.map { ReconcileLinkState.framing($0.count) } ?? 0),
                    sent: output.reply != nil)
                if let reply = output.reply { self.send(.reconcile(reply)) }
                if output.finished { self.finishReconcile(key) }
            }
        }
        switch message.set {
        case .streamHeads:
            let local = localVector()
            onPool(
                {
                    answer { () throws(ReconcileError) in
                        .streamHeads(try StreamHeadItems(local: local, levels: levels, limit: limits.maxSetItems))
                    }
                }, then: then)
        case .certificates:
            let site = self.site, excluded = endpoints()
            serially({
                answer { () throws(ReconcileError) in
                    let shared = site.certificates(sharedWith: peer, levels: levels).filter { !excluded.contains($0.deviceID) }
                    return .certificates(try CertificateItems(shared, limit: limits.maxSetItems))
                }
            }) { result in
                // The work never throws: its errors are in the result it returns.
                if case .success(let answered) = result { then(answered) }
            }
        }
    }

    /// Puts a session whose set was built off the loop into its run (on the loop), with the
    /// framing of its messages so far; `sent` when this side is sending one now.
    private func install(_ key: ReconcileKey, session: ReconcileSession, items: ReconcileRunItems, framing: Int, sent: Bool) {
        state.withValue { state in
            state.reconcile.runs[key]?.session = session
            state.reconcile.runs[key]?.items = items
            state.reconcile.runs[key]?.framing += framing
            if sent { state.lastFrameSentAt = Date() }
        }
    }

    /// Runs `work` on the thread pool and hands its result to `then` on the loop (nil when the
    /// pool is shutting down). Nothing of the link's state is held meanwhile.
    private func onPool<T: Sendable>(_ work: @escaping @Sendable () -> T, then: @escaping @Sendable (T?) -> Void) {
        let loop = eventLoop
        context.threadPool.submit { poolState in
            guard case .active = poolState else {
                loop.execute { then(nil) }
                return
            }
            let result = work()
            loop.execute { then(result) }
        }
    }

    /// Counts a reconcile frame that answers nothing against the round flood bound (on the loop).
    private func pressFlood(_ what: String) {
        let failure = state.withValue { state -> SyncError? in
            guard var session = state.session else { return nil }
            defer { state.session = session }
            do throws(SyncError) {
                try session.noteIgnoredReconcile(what)
                return nil
            } catch {
                return error
            }
        }
        if let failure { refuse("round refused: \(failure)", code: "flooding") }
    }
}
