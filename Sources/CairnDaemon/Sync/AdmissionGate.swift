/// Which inbound connections may wait for admission (their TLS handshake and `Hello`), as a pure
/// state machine: no channels, no clock, no locks, so that every rule is tested on its own.
///
/// A single global counter that refuses newcomers when full lets one source that holds every
/// slot keep everyone else out. This gate is fair instead:
/// - a source (an IPv4 address, an IPv6 /64) holds at most `perSource` slots; its next
///   connection takes the place of its own oldest;
/// - when the gate is full, the newcomer takes the place of the oldest connection of the source
///   holding the most slots (the newcomer counted with its source), so a flood crowds out only
///   itself while every other source keeps what it holds;
/// - the addresses of configured peers have precedence: strangers may hold at most
///   `total - reservedForPeers` slots and never take a peer's place, while a peer takes a
///   stranger's place whenever the gate is full.
struct AdmissionGate: Sendable {
    struct Limits: Sendable, Equatable {
        /// Connections waiting for admission, all sources together.
        var total: Int
        /// Connections waiting for admission from one source.
        var perSource: Int
        /// Slots that only configured peers' addresses may use.
        var reservedForPeers: Int

        /// 128 in all, 8 per source, 32 kept for configured peers. An unadmitted connection costs
        /// one TLS engine and its buffers (tens of KiB): the gate bounds that memory.
        static let `default` = Limits(total: 128, perSource: 8, reservedForPeers: 32)

        var forStrangers: Int { max(0, total - reservedForPeers) }
    }

    /// Whether a source is a configured peer's address.
    enum Standing: Sendable, Equatable {
        case peer, stranger
    }

    /// One slot, named by the order of arrival (older tickets have smaller numbers).
    struct Ticket: Hashable, Sendable, Comparable {
        let number: UInt64

        static func < (a: Ticket, b: Ticket) -> Bool { a.number < b.number }
    }

    enum Decision: Equatable, Sendable {
        /// The newcomer holds `ticket`; `evicted` (if any) lost its slot and must be closed.
        case admitted(Ticket, evicted: Ticket?)
        /// No slot the newcomer may take: close it.
        case refused
    }

    /// A source and its standing when its connection arrived (a reload may change the standing
    /// of an address while connections of its old standing still wait).
    private struct Holder: Hashable, Sendable {
        var source: String
        var standing: Standing
    }

    let limits: Limits
    private var holders: [Ticket: Holder] = [:]
    /// Per holder, its tickets oldest first.
    private var byHolder: [Holder: [Ticket]] = [:]
    private var strangers = 0
    private var nextNumber: UInt64 = 1

    init(limits: Limits = .default) {
        precondition(limits.total >= 1 && limits.perSource >= 1 && limits.reservedForPeers >= 0)
        self.limits = limits
    }

    /// Slots held now.
    var count: Int { holders.count }

    /// Slots held by one source.
    func count(of source: String) -> Int {
        (byHolder[Holder(source: source, standing: .peer)]?.count ?? 0)
            + (byHolder[Holder(source: source, standing: .stranger)]?.count ?? 0)
    }

    /// Whether `ticket` still holds its slot.
    func holds(_ ticket: Ticket) -> Bool { holders[ticket] != nil }

    /// A newcomer from `source` asks for a slot.
    mutating func enter(source: String, standing: Standing) -> Decision {
        let ticket = Ticket(number: nextNumber)
        nextNumber += 1
        var evicted: Ticket?
        if count(of: source) >= limits.perSource {
            // Its own oldest makes room: a source only ever crowds out itself.
            evicted = [Standing.peer, .stranger].compactMap { byHolder[Holder(source: source, standing: $0)]?.first }.min()
        } else if count >= limits.total || (standing == .stranger && strangers >= limits.forStrangers) {
            let among: Standing = (standing == .stranger || strangers > 0) ? .stranger : .peer
            guard let victim = victim(among: among, newcomer: source, newcomerStanding: standing) else { return .refused }
            evicted = victim
        }
        if let evicted { remove(evicted) }
        let holder = Holder(source: source, standing: standing)
        holders[ticket] = holder
        byHolder[holder, default: []].append(ticket)
        if standing == .stranger { strangers += 1 }
        return .admitted(ticket, evicted: evicted)
    }

    /// Gives a slot back (the connection was admitted, or ended). True only the first time, and
    /// false for a ticket that was evicted: each slot is released exactly once.
    @discardableResult
    mutating func release(_ ticket: Ticket) -> Bool {
        guard holders[ticket] != nil else { return false }
        remove(ticket)
        return true
    }

    /// The oldest ticket of the source holding the most slots among holders of `among`
    /// standing, the newcomer counted with its own source (ties: the source whose oldest ticket
    /// is oldest). Nil when nothing of that standing is held.
    private func victim(among: Standing, newcomer: String, newcomerStanding: Standing) -> Ticket? {
        var best: (count: Int, oldest: Ticket)?
        for (holder, tickets) in byHolder where holder.standing == among {
            guard let oldest = tickets.first else { continue }
            let held = tickets.count + (holder == Holder(source: newcomer, standing: newcomerStanding) ? 1 : 0)
            if let current = best, held < current.count || (held == current.count && current.oldest < oldest) { continue }
            best = (held, oldest)
        }
        return best?.oldest
    }

    private mutating func remove(_ ticket: Ticket) {
        guard let holder = holders.removeValue(forKey: ticket) else { return }
        byHolder[holder]?.removeAll { $0 == ticket }
        if byHolder[holder]?.isEmpty == true { byHolder[holder] = nil }
        if holder.standing == .stranger { strangers -= 1 }
    }
}
