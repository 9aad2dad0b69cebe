extension ReconcileSession {
    /// A range of the peer's message that this side must answer.
    struct Task: Hashable, Sendable {
        enum Kind: Hashable, Sendable {
            case fingerprint([UInt8])
            case items([UInt64])
            /// The tags of the peer's whole list, whose items are learned already.
            case whole([UInt64])
        }

        var lower: ReconcileBound
        var upper: ReconcileBound
        var kind: Kind
    }

    /// A non-skip range of the peer's message, with its lower bound and its position.
    struct Entry {
        var lower: ReconcileBound
        var range: ReconcileRange
        var position: Int
    }

    /// What the peer's answers to our open ranges ask of us.
    struct Answers {
        var tasks: [Task] = []
        /// Our items the peer marked missing, with the index of the peer's reply item of the
        /// same key if any: their values go out with our next message.
        var owed: [(index: Int, reference: Int?)] = []
        /// Whether anything was settled or refined (not only deferred).
        var progress = false

        /// Whether the peer's message asks for an answer: a range to answer or values owed. (A
        /// bitmap answering our whole list asks for nothing: the peer has those values.)
        var asked: Bool { !tasks.isEmpty || !owed.isEmpty }
    }

    mutating func handle(_ message: ReconcileMessage) throws(ReconcileError) -> ReconcileOutput {
        guard message.set == set.kind else { throw .outOfTurn("a message for the \(message.set) set") }
        if index == nil {
            guard message.round == 1 else { throw .outOfTurn("round \(message.round) before round 1") }
            if let defect = limits.defect { throw .invalidLocalSet("limits: \(defect)") }
            guard set.count <= limits.maxSetItems else {
                throw .invalidLocalSet("\(set.count) items, over the limit of \(limits.maxSetItems)")
            }
            session = message.session
            index = ReconcileIndex(set: set, salt: message.salt)
            awaiting = [Awaited(lower: .zero, upper: .infinity, kind: .fingerprint(opening: true))]
        } else {
            guard message.session == session else { throw .outOfTurn("a message of another session") }
            guard message.round == nextRound else { throw .outOfTurn("round \(message.round), expected \(nextRound)") }
        }
        guard let index else { throw .sessionOver }
        try takeValues(message.values, index: index)
        var answers = try match(message.ranges, index: index)
        if !message.values.isEmpty { answers.progress = true }
        let opening = message.round == 1
        guard answers.progress || opening else { throw .noProgress }

        var builder = ReconcileAnswer(index: index, limits: limits)
        try builder.answer(answers.tasks, owed: answers.owed.count)
        awaiting = builder.awaiting
        expectedValues = builder.expectedValues
        notHeldByPeer.formUnion(builder.notHeldByPeer)
        for owed in answers.owed { notHeldByPeer.insert(set.key(owed.index)) }
        let finished = awaiting.isEmpty && expectedValues.isEmpty
        var reply: [UInt8]?
        if answers.asked {
            let outgoing = ReconcileMessage(
                set: set.kind, session: session, round: message.round + 1, ranges: builder.ranges,
                values: answers.owed.map { owed in
                    owed.reference.map { .reference(index: $0, value: set.value(owed.index)) } ?? .item(set[owed.index])
                })
            let bytes = outgoing.encode()
            guard bytes.count <= limits.maxMessageBytes else {
                throw .localLimit("an answer of \(bytes.count) bytes, over \(limits.maxMessageBytes)")
            }
            try count(sent: bytes.count)
            reply = bytes
        }
        // Nothing asked leaves nothing open: whatever this side awaits, it awaits by answering.
        assert(answers.asked || finished)
        nextRound = message.round + 2
        if finished { phase = .finished }
        return ReconcileOutput(reply: reply, finished: finished)
    }

    /// Checks the values the peer owed us against the tags it listed, and keeps them.
    mutating func takeValues(_ values: [ReconcileValue], index: ReconcileIndex) throws(ReconcileError) {
        guard values.count == expectedValues.count else {
            throw .valuesMismatch("\(values.count) values for \(expectedValues.count) items marked missing")
        }
        for (position, value) in values.enumerated() {
            let expected = expectedValues[position]
            let item: ReconcileItem
            switch value {
            case .item(let whole):
                item = whole
            case .reference(let reference, let value):
                guard expected.replyKeys.indices.contains(reference) else {
                    throw .valuesMismatch("value \(position) names reply item \(reference), which was not sent")
                }
                item = ReconcileItem(key: expected.replyKeys[reference], value: value)
            }
            guard index.tag(of: item) == expected.tag else {
                throw .valuesMismatch("value \(position) is not the item listed with that tag")
            }
            try learn(item)
        }
        expectedValues = []
    }

    mutating func learn(_ item: ReconcileItem) throws(ReconcileError) {
        if let known = remote[item.key], known != item.value {
            throw .inconsistent("two values for one key")
        }
        remote[item.key] = item.value
    }

    /// Pairs every non-skip range of the message with the open range it answers, and checks
    /// that each answer is one the protocol allows for what we sent there.
    mutating func match(_ ranges: [ReconcileRange], index: ReconcileIndex) throws(ReconcileError) -> Answers {
        var entries: [Entry] = []
        var lower = ReconcileBound.zero
        for (position, range) in ranges.enumerated() {
            if range.payload != .skip { entries.append(Entry(lower: lower, range: range, position: position)) }
            lower = range.upper
        }
        var answers = Answers()
        var next = 0
        for open in awaiting {
            var group: [Entry] = []
            while next < entries.count, entries[next].lower < open.upper {
                let entry = entries[next]
                guard open.lower <= entry.lower, entry.range.upper <= open.upper else {
                    throw .notRefining("a range that was not left open")
                }
                group.append(entry)
                next += 1
            }
            try answer(open, with: group, into: &answers, index: index)
        }
        guard next == entries.count else { throw .notRefining("a range that was not left open") }
        return answers
    }

    private mutating func answer(
        _ open: Awaited, with group: [Entry], into answers: inout Answers, index: ReconcileIndex
    ) throws(ReconcileError) {
        let covers =
            group.first?.lower == open.lower && group.last?.range.upper == open.upper
            && group.indices.dropFirst().allSatisfy { group[$0].position == group[$0 - 1].position + 1 }
        switch open.kind {
        case .fingerprint(let opening):
            if group.isEmpty {
                if opening { throw .notRefining("an opening message with no range") }
                answers.progress = true
                return
            }
            guard covers else { throw .notRefining("a partial answer to a fingerprint") }
            for entry in group {
                switch entry.range.payload {
                case .fingerprint(let fingerprint):
                    // One fingerprint over the same range is a deferral; several are a split.
                    answers.tasks.append(Task(lower: entry.lower, upper: entry.range.upper, kind: .fingerprint(fingerprint)))
                case .items(let tags):
                    answers.tasks.append(Task(lower: entry.lower, upper: entry.range.upper, kind: .items(tags)))
                case .reply(let items, let missing):
                    // A whole list: the peer's every item in the range, values included.
                    guard group.count == 1, missing.isEmpty else {
                        throw .notRefining("a reply to a fingerprint that is not one whole list")
                    }
                    for item in items { try learn(item) }
                    answers.tasks.append(Task(lower: entry.lower, upper: entry.range.upper, kind: .whole(items.map(index.tag(of:)))))
                case .skip:
                    throw .notRefining("a skip answering a fingerprint")
                }
            }
            if group.count > 1 || !isFingerprint(group[0]) { answers.progress = true }
        case .items(let ours), .whole(let ours):
            let whole = open.kind == .whole(ours)
            if group.isEmpty {
                // The peer holds exactly the items we listed.
                answers.progress = true
                return
            }
            guard covers else { throw .notRefining("a partial answer to a list") }
            switch (group.count, group[0].range.payload) {
            case (1, .fingerprint(let fingerprint)):
                answers.tasks.append(Task(lower: open.lower, upper: open.upper, kind: .fingerprint(fingerprint)))
            case (1, .reply(let items, let missing)):
                try takeReply(items: items, missing: missing, ours: ours, owing: !whole, into: &answers, index: index)
            case (2, .reply(let items, let missing)):
                guard !items.isEmpty, case .fingerprint(let fingerprint) = group[1].range.payload else {
                    throw .notRefining("a reply in chunks without an item, or not followed by a fingerprint")
                }
                try takeReply(items: items, missing: missing, ours: ours, owing: !whole, into: &answers, index: index)
                answers.tasks.append(Task(lower: group[1].lower, upper: open.upper, kind: .fingerprint(fingerprint)))
            default:
                throw .notRefining("an answer to a list that is neither a reply nor a deferral")
            }
        }
    }

    private func isFingerprint(_ entry: Entry) -> Bool {
        if case .fingerprint = entry.range.payload { return true }
        return false
    }

    /// Keeps the peer's items that we lacked and notes ours that it marked missing: their
    /// values are owed next, unless we listed them whole (`owing` false), when the bits only
    /// say the peer does not hold them.
    private mutating func takeReply(
        items: [ReconcileItem], missing: [UInt8], ours: Range<Int>, owing: Bool, into answers: inout Answers,
        index: ReconcileIndex
    ) throws(ReconcileError) {
        answers.progress = true
        if !missing.isEmpty {
            guard missing.count == (ours.count + 7) / 8 else {
                throw .invalid(what: "reply", detail: "a bitmap of \(missing.count) bytes for \(ours.count) items")
            }
            var replied: [[UInt8]: Int] = [:]
            for (position, item) in items.enumerated() { replied[item.key] = position }
            for bit in 0..<missing.count * 8 where missing[bit / 8] & (1 << (bit % 8)) != 0 {
                guard bit < ours.count else { throw .invalid(what: "reply", detail: "a bit past the listed items") }
                let owed = ours.lowerBound + bit
                if owing {
                    answers.owed.append((owed, replied[set.key(owed)]))
                } else {
                    notHeldByPeer.insert(set.key(owed))
                }
            }
        }
        let listed = Set(index.tags[ours])
        for item in items {
            guard !listed.contains(index.tag(of: item)) else {
                throw .inconsistent("a reply item that we listed ourselves")
            }
            try learn(item)
        }
    }
}
