/// Builds one message: the answers to the peer's ranges, in key order, within the message
/// limits. Pure; `ReconcileSession` applies what it records.
///
/// Budget: the ranges of the message are capped, and a split of a fingerprint costs
/// `branching` of them where deferring it costs one, so before each real answer the builder
/// reserves what deferring every later task would cost. A task that no longer fits is
/// deferred (answered with our fingerprint of the same range), and a reply too long for the
/// items left goes in chunks. The values owed are never deferred: they are reserved first.
struct ReconcileAnswer {
    let index: ReconcileIndex
    let limits: ReconcileLimits

    /// The message's ranges so far.
    private(set) var ranges: [ReconcileRange] = []
    /// The ranges this message leaves open for the peer.
    private(set) var awaiting: [ReconcileSession.Awaited] = []
    /// Tags of the peer's items marked missing, in bit order: the values it owes next.
    private(set) var expectedValues: [ReconcileSession.ExpectedValue] = []
    /// Keys of ours sent in replies: the peer does not hold them with our value.
    private(set) var notHeldByPeer: [[UInt8]] = []
    private var cursor = ReconcileBound.zero
    private var items = 0
    private var progress = false

    init(index: ReconcileIndex, limits: ReconcileLimits) {
        self.index = index
        self.limits = limits
    }

    private var set: ReconcileSet { index.set }

    /// One planned range of an answer, with what it leaves open.
    private struct Piece {
        var lower: ReconcileBound
        var upper: ReconcileBound
        var payload: ReconcileRange.Payload
        var opens: ReconcileSession.Awaited.Kind?
        var items: Int
        /// Tags of the peer's items this piece marks missing.
        var expects: [UInt64] = []

        var isWholeList: Bool {
            if case .whole? = opens { return true }
            return false
        }
    }

    /// Answers `tasks` (sorted, disjoint) with `owed` values reserved.
    mutating func answer(_ tasks: [ReconcileSession.Task], owed: Int) throws(ReconcileError) {
        let itemBudget = limits.maxItemsPerMessage - owed
        guard itemBudget >= 0 else { throw .localLimit("\(owed) values owed, over \(limits.maxItemsPerMessage)") }
        // deferCost[i]: ranges to defer tasks i... once task i - 1 ended at its upper bound.
        var deferCost = [Int](repeating: 0, count: tasks.count + 1)
        for position in tasks.indices.reversed() {
            let gap = position > 0 && tasks[position - 1].upper < tasks[position].lower ? 1 : 0
            deferCost[position] = deferCost[position + 1] + 1 + gap
        }
        for (position, task) in tasks.enumerated() {
            let ours = set.indices(from: task.lower, to: task.upper)
            let later = tasks.indices.contains(position + 1) ? tasks[position + 1] : nil
            func fits(_ pieces: [Piece]) -> Bool {
                let end = pieces.last?.upper ?? cursor
                let gapBefore = pieces.isEmpty || !(cursor < task.lower) ? 0 : 1
                let gapAfter = later.map { end < $0.lower ? 1 : 0 } ?? 0
                let laterCost = later == nil ? 0 : 1 + gapAfter + deferCost[position + 2]
                return ranges.count + gapBefore + pieces.count + laterCost <= limits.maxRangesPerMessage
                    && items + pieces.reduce(0) { $0 + $1.items } <= itemBudget
            }
            let choices: [[Piece]]
            switch task.kind {
            case .fingerprint(let theirs):
                // A split in two is the cheapest real answer when a full split does not fit.
                let full = settle(theirs, ours: ours, task: task, parts: limits.branching)
                let halves = full.count > 2 ? [settle(theirs, ours: ours, task: task, parts: 2)] : []
                choices = [full] + halves + [deferral(ours, task: task)]
            case .items(let tags):
                choices = reply(to: tags, ours: ours, task: task, itemsLeft: itemBudget - items) + [deferral(ours, task: task)]
            case .whole(let tags):
                choices =
                    reply(to: tags, ours: ours, task: task, itemsLeft: itemBudget - items, owing: false) + [deferral(ours, task: task)]
            }
            guard let chosen = choices.firstIndex(where: fits) else {
                throw .localLimit("no room to defer a range")
            }
            // The deferral is always the last choice.
            if chosen < choices.count - 1 { progress = true }
            emit(choices[chosen])
        }
        if !tasks.isEmpty, !progress, owed == 0 {
            throw .localLimit("no room to answer any range")
        }
    }

    /// The first message of an initiator (`ReconcileSession.Opening`): one fingerprint of the
    /// whole key space (an empty list when there is nothing), or, `eagerly`, what this side
    /// would answer to a differing one.
    mutating func open(eagerly: Bool) {
        let everything = 0..<set.count
        if set.count == 0 {
            emit([list(everything, lower: .zero, upper: .infinity)])
        } else if eagerly {
            emit(describe(everything, lower: .zero, upper: .infinity, parts: limits.branching))
        } else {
            emit([
                Piece(
                    lower: .zero, upper: .infinity, payload: .fingerprint(index.fingerprint(everything)),
                    opens: .fingerprint(opening: false), items: 0)
            ])
        }
    }

    /// The real answer to a fingerprint: nothing when equal, else `describe`.
    private func settle(_ theirs: [UInt8], ours: Range<Int>, task: ReconcileSession.Task, parts: Int) -> [Piece] {
        if index.fingerprint(ours) == theirs { return [] }
        return describe(ours, lower: task.lower, upper: task.upper, parts: parts)
    }

    /// Our items `ours` (the range from `bottom` to `top`) for a peer whose items there differ:
    /// the items themselves when very few (a whole list), their tags when few, else a split
    /// into `parts`.
    private func describe(_ ours: Range<Int>, lower bottom: ReconcileBound, upper top: ReconcileBound, parts: Int) -> [Piece] {
        if !ours.isEmpty, ours.count <= limits.wholeListItems {
            return [
                Piece(
                    lower: bottom, upper: top, payload: .reply(items: ours.map { set[$0] }, missing: []), opens: .whole(ours),
                    items: ours.count)
            ]
        }
        if ours.count <= limits.itemsThreshold {
            return [list(ours, lower: bottom, upper: top)]
        }
        let parts = min(parts, ours.count)
        var pieces: [Piece] = []
        var lower = bottom
        for part in 0..<parts {
            let start = ours.lowerBound + ours.count * part / parts
            let end = ours.lowerBound + ours.count * (part + 1) / parts
            let upper = part == parts - 1 ? top : set.bound(before: end)
            // A part of one or two items is listed at once: 8 bytes a tag beat a fingerprint.
            pieces.append(
                end - start <= 2
                    ? list(start..<end, lower: lower, upper: upper)
                    : Piece(
                        lower: lower, upper: upper, payload: .fingerprint(index.fingerprint(start..<end)),
                        opens: .fingerprint(opening: false), items: 0))
            lower = upper
        }
        return pieces
    }

    private func list(_ ours: Range<Int>, lower: ReconcileBound, upper: ReconcileBound) -> Piece {
        Piece(lower: lower, upper: upper, payload: .items(tags: Array(index.tags[ours])), opens: .items(ours), items: ours.count)
    }

    /// The answers to a list of tags, best first: nothing when we hold exactly those items, a
    /// whole reply, or a reply in chunks (its first `itemsLeft` items, then our fingerprint of
    /// the rest). The bitmap marks the listed items we lack; unless `owing` is false (the tags
    /// of a whole list, whose values we have), their values are due next.
    private func reply(
        to tags: [UInt64], ours: Range<Int>, task: ReconcileSession.Task, itemsLeft: Int, owing: Bool = true
    ) -> [[Piece]] {
        let theirs = Set(tags)
        let held = Set(index.tags[ours])
        let extra = ours.filter { !theirs.contains(index.tags[$0]) }
        var missing = [UInt8](repeating: 0, count: (tags.count + 7) / 8)
        var expects: [UInt64] = []
        for (bit, tag) in tags.enumerated() where !held.contains(tag) {
            missing[bit / 8] |= 1 << (bit % 8)
            expects.append(tag)
        }
        if extra.isEmpty && expects.isEmpty { return [[]] }
        let bitmap = expects.isEmpty ? [] : missing
        if !owing { expects = [] }
        var choices = [
            [
                Piece(
                    lower: task.lower, upper: task.upper, payload: .reply(items: extra.map { set[$0] }, missing: bitmap),
                    opens: nil, items: extra.count, expects: expects)
            ]
        ]
        if itemsLeft >= 1, itemsLeft < extra.count {
            let last = extra[itemsLeft - 1]
            let cut = set.bound(before: last + 1)
            let rest = set.firstIndex(atOrAfter: cut, in: ours)..<ours.upperBound
            choices.append([
                Piece(
                    lower: task.lower, upper: cut, payload: .reply(items: extra[..<itemsLeft].map { set[$0] }, missing: bitmap),
                    opens: nil, items: itemsLeft, expects: expects),
                Piece(
                    lower: cut, upper: task.upper, payload: .fingerprint(index.fingerprint(rest)),
                    opens: .fingerprint(opening: false), items: 0),
            ])
        }
        return choices
    }

    /// Defers a task: our fingerprint of the same range hands it back to the peer.
    private func deferral(_ ours: Range<Int>, task: ReconcileSession.Task) -> [Piece] {
        [
            Piece(
                lower: task.lower, upper: task.upper, payload: .fingerprint(index.fingerprint(ours)),
                opens: .fingerprint(opening: false), items: 0)
        ]
    }

    private mutating func emit(_ pieces: [Piece]) {
        for piece in pieces {
            if cursor < piece.lower { ranges.append(ReconcileRange(upper: piece.lower, payload: .skip)) }
            ranges.append(ReconcileRange(upper: piece.upper, payload: piece.payload))
            cursor = piece.upper
            items += piece.items
            if case .reply(let sent, _) = piece.payload, !piece.expects.isEmpty {
                let keys = sent.map(\.key)
                expectedValues += piece.expects.map { ReconcileSession.ExpectedValue(tag: $0, replyKeys: keys) }
            }
            if let opens = piece.opens { awaiting.append(.init(lower: piece.lower, upper: piece.upper, kind: opens)) }
            // A whole list says what we hold, not what the peer lacks.
            if case .reply(let sent, _) = piece.payload, !piece.isWholeList {
                notHeldByPeer += sent.map(\.key)
            }
        }
    }
}
