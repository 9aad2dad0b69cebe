extension SyncFrame {
    /// The length of `encode()`, computed without encoding: the session weighs every frame of a
    /// round (for the cost reported in events and the frame limit) and a vector of 100,000
    /// positions should not be serialized twice for that.
    public var wireSize: Int {
        let body: Int
        switch self {
        case .hello(let hello):
            body =
                WireSize.scalar(UInt64(hello.protocolVersion)) + WireSize.bytes(hello.federationID.count)
                + WireSize.scalar(hello.charterVersion) + WireSize.bytes(hello.certificate.count)
                + WireSize.scalar(hello.features) + WireSize.scalar(UInt64(hello.listenPort))
        case .summary(let round, let digest, let streams):
            body = WireSize.scalar(round) + WireSize.bytes(digest.count) + WireSize.scalar(UInt64(streams))
        case .agree(let round):
            body = WireSize.scalar(round)
        case .vector(let round, let positions, let reply):
            var total = WireSize.scalar(round) + (reply ? 2 : 0)
            for position in positions { total += WireSize.element(Self.positionSize(position)) }
            body = total
        case .deltas(let batch, let envelopes):
            body = envelopes.reduce(WireSize.scalar(batch)) { $0 + WireSize.element($1.count) }
        case .ack(let counts):
            body =
                WireSize.scalar(counts.batch) + WireSize.scalar(UInt64(counts.stored))
                + WireSize.scalar(UInt64(counts.duplicate)) + WireSize.scalar(UInt64(counts.pending))
                + WireSize.scalar(UInt64(counts.refused))
        case .certificates(let certificates):
            body = certificates.reduce(0) { $0 + WireSize.element($1.count) }
        case .goodbye(let reason, let code):
            body = WireSize.bytes(reason.utf8.count) + WireSize.bytes(code.utf8.count)
        case .trust(let revocations, let charters):
            body = (revocations + charters).reduce(0) { $0 + WireSize.element($1.count) }
        case .earlyGrants(let envelopes):
            body = envelopes.reduce(0) { $0 + WireSize.element($1.count) }
        case .auditHeads(let own, let yours):
            body = [own, yours].compactMap { $0 }.reduce(0) { $0 + WireSize.element(Self.auditHeadSize($1)) }
        case .reconcile(let bytes):
            // A bytes member of the oneof: its payload is the field itself.
            return WireSize.element(bytes.count)
        }
        // The oneof member is always written, even when its message is empty.
        return WireSize.element(body)
    }

    /// The serialized size of one `AuditHead` message (without its tag and length).
    static func auditHeadSize(_ head: AuditHead) -> Int {
        WireSize.bytes(head.device.bytes.count) + WireSize.scalar(head.seq) + WireSize.bytes(head.hash.count)
            + WireSize.scalar(head.signedAt) + WireSize.bytes(head.signature.count)
    }

    /// The serialized size of one `StreamPosition` message (without its tag and length).
    static func positionSize(_ position: StreamPosition) -> Int {
        WireSize.bytes(position.author.bytes.count) + WireSize.bytes(position.level.utf8.count)
            + WireSize.scalar(position.sequence) + WireSize.bytes(position.head.count)
    }
}

/// Protobuf sizes of proto3 fields numbered below 16 (one-byte tags), default values omitted.
enum WireSize {
    /// A varint.
    static func varint(_ value: UInt64) -> Int {
        var value = value
        var size = 1
        while value >= 0x80 {
            value >>= 7
            size += 1
        }
        return size
    }

    /// A scalar field: omitted when zero.
    static func scalar(_ value: UInt64) -> Int { value == 0 ? 0 : 1 + varint(value) }

    /// A singular bytes or string field: omitted when empty.
    static func bytes(_ count: Int) -> Int { count == 0 ? 0 : element(count) }

    /// A repeated element or a set message field: always written.
    static func element(_ count: Int) -> Int { 1 + varint(UInt64(count)) + count }
}
