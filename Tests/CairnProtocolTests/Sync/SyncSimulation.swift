import CairnModel
import CairnProtocol
import CairnTestSupport

/// One simulated site: a store of chains, and the sync components facing one peer, wired as the
/// daemon wires them.
struct SimSite {
    let name: String
    var store: [StreamID: [SimDelta]] = [:]
    var session: ReconciliationSession
    var outbox: DeltaOutbox
    var pending: PendingDeltas
    var equivocations: [Equivocation] = []
    var forks: [HeldDelta] = []
    var refused = 0
    /// Reports of rounds completed since the simulation last collected them.
    var reports: [RoundReport] = []

    init(name: String, commonLevels: Set<String>, limits: SyncLimits = .default) {
        self.name = name
        session = ReconciliationSession(commonLevels: commonLevels, limits: limits)
        outbox = DeltaOutbox(commonLevels: commonLevels, limits: limits)
        pending = PendingDeltas(limits: limits)
    }

    /// The full local vector, every level included: the session must filter it itself.
    var vector: [StreamPosition] {
        store.compactMap { stream, chain in
            chain.last.map { StreamPosition(stream: stream, head: StreamHead(sequence: $0.sequence, deltaID: $0.id)) }
        }.sorted()
    }

    func head(_ stream: StreamID) -> StreamHead? {
        store[stream]?.last.map { StreamHead(sequence: $0.sequence, deltaID: $0.id) }
    }

    /// Handles one frame from the peer; returns the frames to send back.
    mutating func handle(_ frame: SyncFrame, now: ContinuousClock.Instant) throws -> [SyncFrame] {
        switch frame {
        case .summary, .agree, .vector:
            let output = try session.receive(frame, local: vector, now: now)
            outbox.enqueue(output.ranges, peer: session.peer)
            equivocations += output.equivocations
            note(output.events)
            return output.frames
        case .deltas(let batch, let envelopes):
            var ack = AckCounts(batch: batch)
            for envelope in envelopes { count(apply(SimDelta.parse(envelope)), into: &ack) }
            return [.ack(ack)]
        case .ack(let counts):
            session.noteDelivered(try outbox.acknowledge(counts))
            return []
        default:
            return []
        }
    }

    mutating func note(_ events: [SyncEvent]) {
        for case .roundCompleted(let report) in events { reports.append(report) }
    }

    enum Applied { case stored, duplicate, pending, refused }

    /// What a daemon does with a verified delta: extend the chain, or hold it, or refuse it.
    mutating func apply(_ delta: SimDelta) -> Applied {
        let head = self.head(delta.stream)
        switch ChainCheck.check(head: head, sequence: delta.sequence, previous: delta.previous) {
        case .extends:
            store[delta.stream, default: []].append(delta)
            session.notePeerHolds(delta.stream, through: delta.sequence)
            releasePending(delta.stream)
            return .stored
        case .duplicate:
            return .duplicate
        case .gap:
            do {
                try pending.hold(
                    stream: delta.stream, sequence: delta.sequence, id: delta.id, previous: delta.previous,
                    envelope: delta.envelope, currentHead: head?.sequence ?? 0)
                session.notePeerHolds(delta.stream, through: delta.sequence)
                return .pending
            } catch {
                refused += 1
                return .refused
            }
        case .forked:
            refused += 1
            return .refused
        }
    }

    private mutating func releasePending(_ stream: StreamID) {
        guard let head = head(stream) else { return }
        let release = pending.release(stream: stream, head: head)
        forks += release.forks
        for held in release.released { store[stream, default: []].append(SimDelta.parse(held.envelope)) }
    }

    private func count(_ applied: Applied, into ack: inout AckCounts) {
        switch applied {
        case .stored: ack.stored += 1
        case .duplicate: ack.duplicate += 1
        case .pending: ack.pending += 1
        case .refused: ack.refused += 1
        }
    }

    /// Every batch the outbox will give now.
    mutating func drain() -> [SyncFrame] {
        var frames: [SyncFrame] = []
        let store = self.store
        while let batch = outbox.nextBatch(
            peer: session.peer,
            fetch: { stream, from, limit in
                let chain = store[stream] ?? []
                guard from >= 1, from <= UInt64(chain.count) else { return [] }
                let end = min(chain.count, Int(from) - 1 + limit)
                return chain[(Int(from) - 1)..<end].map { ($0.sequence, $0.envelope) }
            })
        {
            frames.append(batch)
        }
        return frames
    }
}

/// Two sites and a network between them that drops and duplicates frames at random.
struct SimNetwork {
    var sites: [SimSite]
    var random: SeededRandom
    var dropRate: Double
    var duplicateRate: Double
    /// In flight, per receiving site: encoded frames in order.
    var queues: [[[UInt8]]] = [[], []]
    /// Every frame put on the wire by each site, encoded.
    var sent: [[[UInt8]]] = [[], []]
    var now = SyncFixtures.at(seconds: 0)

    mutating func send(_ frames: [SyncFrame], from site: Int) {
        for frame in frames {
            let bytes = frame.encode()
            sent[site].append(bytes)
            if random.chance(dropRate) { continue }
            queues[1 - site].append(bytes)
            if random.chance(duplicateRate) { queues[1 - site].append(bytes) }
        }
    }

    struct RoundTrace {
        var roundFrames = 0
        var frames = 0
        var reports: [RoundReport] = []
    }

    /// Runs one round opened by `initiator` until nothing is in flight. The daemon's ack
    /// timeout is modelled by forgetting unacknowledged batches at the start of each round.
    mutating func round(initiator: Int, maxSteps: Int = 100_000) throws -> RoundTrace {
        now = now.advanced(by: .seconds(20))
        var trace = RoundTrace()
        for index in 0..<2 { sites[index].outbox.forgetUnacknowledged() }
        let opening = try sites[initiator].session.startRound(local: sites[initiator].vector)
        sites[initiator].note(opening.events)
        send(opening.frames, from: initiator)
        for index in 0..<2 { send(sites[index].drain(), from: index) }
        var steps = 0
        while !queues[0].isEmpty || !queues[1].isEmpty {
            steps += 1
            guard steps <= maxSteps else { throw SimFailure.noTermination(steps) }
            let receiver = queues[0].isEmpty ? 1 : queues[1].isEmpty ? 0 : Int(random.next() % 2)
            let frame = try SyncFrame.decode(queues[receiver].removeFirst(), limits: sites[receiver].session.limits)
            trace.frames += 1
            if case .summary = frame { trace.roundFrames += 1 }
            if case .agree = frame { trace.roundFrames += 1 }
            if case .vector = frame { trace.roundFrames += 1 }
            let answers = try sites[receiver].handle(frame, now: now)
            send(answers, from: receiver)
            send(sites[receiver].drain(), from: receiver)
        }
        trace.reports = sites[0].reports + sites[1].reports
        for index in 0..<2 { sites[index].reports.removeAll() }
        return trace
    }

    var converged: Bool {
        let levels = sites[0].session.commonLevels
        return sites[0].vector.filter { levels.contains($0.level) }
            == sites[1].vector.filter { levels.contains($0.level) }
    }
}

enum SimFailure: Error { case noTermination(Int) }

/// Random stores over shared "true" chains: each site holds a random prefix of each stream.
enum SimStores {
    static func populate(
        _ network: inout SimNetwork, streams: Int, maxLength: UInt64, levels: [String], padding: Int = 64
    ) {
        for index in 0..<streams {
            let stream = SyncFixtures.stream(index, levels[Int(network.random.next() % UInt64(levels.count))])
            let length = 1 + network.random.next() % maxLength
            for site in 0..<2 {
                let roll = network.random.next() % 4
                // A quarter of the streams are absent from a site, a quarter complete, the rest cut.
                let held = roll == 0 ? 0 : roll == 1 ? length : network.random.next() % (length + 1)
                let pad = Int(network.random.next() % UInt64(padding + 1))
                network.sites[site].store[stream] =
                    held == 0 ? nil : (1...held).map { SimDelta.make(stream, $0, padding: pad) }
            }
        }
    }
}
