import NIOCore
import Synchronization

/// The listener's `AdmissionGate` with the channels that hold its slots, and the addresses of
/// configured peers (which have precedence). Shared by the event loops: one mutex, held only
/// to change the gate, never across I/O; evicted channels are closed by the caller.
final class InboundAdmission: Sendable {
    private struct State {
        var gate: AdmissionGate
        var channels: [AdmissionGate.Ticket: (channel: any Channel, source: String)] = [:]
        /// Per configured peer name, the sources it is known at (its IP literal, and the
        /// addresses its dials reached).
        var peerSources: [String: Set<String>] = [:]
    }

    /// What `enter` decided about a new connection.
    enum Outcome {
        /// The connection holds `slot`; `evicted` (a connection that lost its slot, and its
        /// source) must be closed.
        case admitted(InboundSlot, evicted: (channel: any Channel, source: String)?)
        case refused
    }

    private let state: Mutex<State>

    init(limits: AdmissionGate.Limits = .default) {
        state = Mutex(State(gate: AdmissionGate(limits: limits)))
    }

    var limits: AdmissionGate.Limits { state.withLock { $0.gate.limits } }

    /// Connections waiting for admission now.
    var waiting: Int { state.withLock { $0.gate.count } }

    func standing(of source: String) -> AdmissionGate.Standing {
        state.withLock { state in state.peerSources.values.contains { $0.contains(source) } ? .peer : .stranger }
    }

    /// A new inbound connection from `source` asks for a slot.
    func enter(_ channel: any Channel, source: String) -> Outcome {
        let standing = standing(of: source)
        return state.withLock { state -> Outcome in
            switch state.gate.enter(source: source, standing: standing) {
            case .refused:
                return .refused
            case .admitted(let ticket, let evictedTicket):
                state.channels[ticket] = (channel, source)
                let evicted = evictedTicket.flatMap { state.channels.removeValue(forKey: $0) }
                return .admitted(InboundSlot(ticket: ticket, admission: self), evicted: evicted)
            }
        }
    }

    /// Gives a slot back; true the first time only (false too once it was evicted).
    fileprivate func release(_ ticket: AdmissionGate.Ticket) -> Bool {
        state.withLock { state in
            state.channels[ticket] = nil
            return state.gate.release(ticket)
        }
    }

    /// Every connection still waiting for admission (closed at shutdown).
    var waitingChannels: [any Channel] { state.withLock { $0.channels.values.map(\.channel) } }

    /// Replaces the sources known for peer `name` (its configured address changed or it was
    /// added); an empty set forgets it.
    func setPeer(_ name: String, sources: Set<String>) {
        state.withLock { $0.peerSources[name] = sources.isEmpty ? nil : sources }
    }

    /// Adds a source at which peer `name` was reached (a host name's address, once dialled).
    func notePeer(_ name: String, reachedAt source: String) {
        guard source != AdmissionSource.unknown else { return }
        state.withLock { state in
            guard state.peerSources[name]?.contains(source) != true else { return }
            state.peerSources[name, default: []].insert(source)
        }
    }

    func forgetPeer(_ name: String) {
        state.withLock { _ = $0.peerSources.removeValue(forKey: name) }
    }
}

/// One connection's slot in the gate, given back exactly once: when its peer is admitted, when
/// the connection ends, or never if it was evicted first.
final class InboundSlot: Sendable {
    let ticket: AdmissionGate.Ticket
    private let admission: InboundAdmission

    fileprivate init(ticket: AdmissionGate.Ticket, admission: InboundAdmission) {
        self.ticket = ticket
        self.admission = admission
    }

    /// True when this call gave the slot back.
    @discardableResult
    func release() -> Bool {
        admission.release(ticket)
    }
}
