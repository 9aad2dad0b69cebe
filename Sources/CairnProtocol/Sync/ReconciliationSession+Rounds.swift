extension ReconciliationSession {
    /// The peer opens a round: agree when the digests match, else send our vector.
    mutating func receiveSummary(
        _ frame: SyncFrame, round: UInt64, digest: [UInt8], local: [StreamPosition], now: ContinuousClock.Instant
    ) throws(SyncError) -> SessionOutput {
        var output = SessionOutput()
        if round == lastPeerSummary {
            try flood.press("duplicate summary")
            output.events.append(.ignored(kind: frame.kind, round: round))
            return output
        }
        try flood.noteSummary(at: now)
        if let open = peerRound {
            try flood.press("summary over an open round")
            output.events.append(.roundAbandoned(RoundID(origin: .peer, number: open.number)))
        }
        let positions = try LocalVector.normalize(local, levels: commonLevels, limits: limits)
        let id = RoundID(origin: .peer, number: round)
        output.events.append(.roundStarted(id))
        if VectorDigest.digest(positions) == digest {
            let agree = SyncFrame.agree(round: round)
            (lastPeerSummary, peerRound) = (round, nil)
            peer.replace(with: positions)
            flood.relieve()
            output.frames.append(agree)
            output.events.append(
                .roundCompleted(
                    RoundReport(
                        round: id, inSync: true, bytes: Self.cost(frame) + Self.cost(agree), frames: 2, deltasToSend: 0)
                ))
        } else {
            let vector = try vectorFrame(round: round, positions: positions, reply: false)
            lastPeerSummary = round
            peerRound = PeerRound(number: round, bytes: Self.cost(frame) + Self.cost(vector))
            output.frames.append(vector)
        }
        return output
    }

    /// The peer agrees with our summary: it holds exactly what we summarised.
    mutating func receiveAgree(_ frame: SyncFrame, round: UInt64) throws(SyncError) -> SessionOutput {
        guard let open = localRound, open.number == round else { return try ignore(frame, round: round) }
        localRound = nil
        peer.replace(with: open.snapshot)
        flood.relieve()
        var output = SessionOutput()
        output.events.append(
            .roundCompleted(
                RoundReport(
                    round: RoundID(origin: .local, number: round), inSync: true, bytes: open.bytes + Self.cost(frame),
                    frames: 2, deltasToSend: 0)))
        return output
    }

    /// The peer's vector answers our summary: reply with ours and send what it lacks.
    mutating func receiveVector(
        _ frame: SyncFrame, round: UInt64, positions: [StreamPosition], local: [StreamPosition]
    ) throws(SyncError) -> SessionOutput {
        guard let open = localRound, open.number == round else { return try ignore(frame, round: round) }
        let ours = try LocalVector.normalize(local, levels: commonLevels, limits: limits)
        let reply = try vectorFrame(round: round, positions: ours, reply: true)
        localRound = nil
        var output = finish(
            RoundID(origin: .local, number: round), ours: ours, theirs: positions,
            bytes: open.bytes + Self.cost(frame) + Self.cost(reply))
        output.frames.append(reply)
        return output
    }

    /// The peer's reply to our vector: send what it lacks; a reply is never answered.
    mutating func receiveReply(
        _ frame: SyncFrame, round: UInt64, positions: [StreamPosition], local: [StreamPosition]
    ) throws(SyncError) -> SessionOutput {
        guard let open = peerRound, open.number == round else { return try ignore(frame, round: round) }
        let ours = try LocalVector.normalize(local, levels: commonLevels, limits: limits)
        peerRound = nil
        return finish(
            RoundID(origin: .peer, number: round), ours: ours, theirs: positions, bytes: open.bytes + Self.cost(frame))
    }

    private mutating func finish(
        _ id: RoundID, ours: [StreamPosition], theirs: [StreamPosition], bytes: Int
    ) -> SessionOutput {
        let comparison = VectorComparison.compare(ours: ours, theirs: theirs)
        peer.replace(with: theirs)
        flood.relieve()
        var output = SessionOutput()
        output.ranges = comparison.ranges
        output.equivocations = comparison.equivocations
        output.events.append(
            .roundCompleted(
                RoundReport(
                    round: id, inSync: comparison.equal, bytes: bytes, frames: 3, deltasToSend: comparison.deltaCount)))
        return output
    }

    private mutating func ignore(_ frame: SyncFrame, round: UInt64) throws(SyncError) -> SessionOutput {
        try flood.press("\(frame.kind) answering no open round")
        var output = SessionOutput()
        output.events.append(.ignored(kind: frame.kind, round: round))
        return output
    }

    private func vectorFrame(round: UInt64, positions: [StreamPosition], reply: Bool) throws(SyncError) -> SyncFrame {
        let frame = SyncFrame.vector(round: round, positions: positions, reply: reply)
        let size = frame.wireSize
        guard size <= limits.maxFrameBytes else {
            throw .vectorTooLarge(streams: positions.count, bytes: size, limit: limits.maxFrameBytes)
        }
        return frame
    }
}
