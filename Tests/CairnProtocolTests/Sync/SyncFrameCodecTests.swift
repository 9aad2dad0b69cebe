import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnWire
import Testing

/// Every frame kind survives encode → decode unchanged, and `wireSize` is the encoded length.
@Suite("SyncFrame codec")
struct SyncFrameCodecTests {
    static let hello = HelloFrame(
        federationID: [UInt8](repeating: 7, count: 16), charterVersion: 3,
        certificate: [UInt8](repeating: 1, count: 300))

    static let samples: [SyncFrame] = [
        .hello(hello),
        .hello(HelloFrame(federationID: [UInt8](repeating: 7, count: 16), charterVersion: 1, certificate: [1], listenPort: 65_535)),
        .summary(round: 1, digest: [UInt8](repeating: 9, count: 32), streams: 120_000),
        .summary(round: 0, digest: [UInt8](repeating: 0, count: 32), streams: 0),
        .agree(round: 77),
        .agree(round: 0),
        .vector(
            round: 5,
            positions: [
                SyncFixtures.position(SyncFixtures.stream(1, "CONFIDENTIAL"), 3),
                SyncFixtures.position(SyncFixtures.stream(1, "RESTRICTED"), 1),
                SyncFixtures.position(SyncFixtures.stream(2), .max),
            ], reply: true),
        .vector(round: 6, positions: [], reply: false),
        .deltas(batch: 1, envelopes: [[1], [UInt8](repeating: 2, count: 300)]),
        .ack(AckCounts(batch: 9, stored: 1, duplicate: 2, pending: 3, refused: 4)),
        .ack(AckCounts(batch: 0)),
        .certificates([[3, 4], [5]]),
        .trust(revocations: [[6, 7]], charters: []),
        .trust(revocations: [], charters: [[8], [9, 10]]),
        .trust(revocations: [[1]], charters: [[2]]),
        .goodbye("shutting down"),
        .goodbye(""),
        // Kept as bytes, whatever they hold: `ReconcileMessage.decode` is their parser. Empty
        // is still a member of the oneof (it is written).
        .reconcile(ReconcileMessage(set: .streamHeads, session: 3, round: 1, salt: [UInt8](repeating: 5, count: 16), ranges: []).encode()),
        .reconcile([UInt8](repeating: 0xEE, count: 200)),
        .earlyGrants([[1], [UInt8](repeating: 2, count: 300)]),
        .reconcile([]),
    ]

    @Test(arguments: samples)
    func roundTrips(_ frame: SyncFrame) throws {
        let bytes = frame.encode()
        #expect(try SyncFrame.decode(bytes, limits: .default) == frame)
        #expect(frame.wireSize == bytes.count)
    }

    @Test func wireSizeMatchesEncodingForRandomFrames() throws {
        var random = SeededRandom(seed: 0x5129_0001)
        for _ in 0..<200 {
            let count = Int(random.next() % 40)
            let positions = (0..<count).map { index in
                SyncFixtures.position(
                    SyncFixtures.stream(index, SyncFixtures.levels[index % 4]),
                    random.next() >> (random.next() % 64) | 1)
            }.sorted()
            let envelopes = (0..<(1 + Int(random.next() % 5))).map { _ in random.bytes(1 + Int(random.next() % 300)) }
            let frames: [SyncFrame] = [
                .vector(round: random.next() >> (random.next() % 64), positions: positions, reply: random.chance(0.5)),
                .deltas(batch: random.next() >> (random.next() % 64), envelopes: envelopes),
                .ack(AckCounts(batch: random.next(), stored: UInt32(truncatingIfNeeded: random.next()), refused: 1)),
            ]
            for frame in frames {
                #expect(frame.wireSize == frame.encode().count)
                #expect(try SyncFrame.decode(frame.encode(), limits: .default) == frame)
            }
        }
    }

    @Test func encodingIsTheGeneratedMessage() throws {
        // The mirror carries exactly what `SyncMessage` does: decode our bytes with the
        // generated type and check the fields by name.
        let frame = SyncFrame.vector(
            round: 5, positions: [SyncFixtures.position(SyncFixtures.stream(3), 9)], reply: true)
        let wire = try Cairn_V1_SyncMessage(serializedBytes: frame.encode())
        #expect(wire.vector.round == 5 && wire.vector.reply)
        #expect(wire.vector.positions.count == 1)
        #expect(Array(wire.vector.positions[0].author) == SyncFixtures.device(3).bytes)
        #expect(wire.vector.positions[0].level == "UNCLASSIFIED")
        #expect(wire.vector.positions[0].sequence == 9)
        #expect(Array(wire.vector.positions[0].head) == SyncFixtures.deltaID(SyncFixtures.stream(3), 9))
    }

    @Test func unknownFieldsFromANewerPeerAreSkipped() throws {
        // Field 15 (varint) inside the Agree message and field 20 (bytes) at the top level.
        let bytes: [UInt8] = [0x1A, 0x04, 0x08, 0x04, 0x78, 0x01] + [0xA2, 0x01, 0x02, 0xAB, 0xCD]
        #expect(try SyncFrame.decode(bytes, limits: .default) == .agree(round: 4))
    }

    @Test func kindsNameEveryCase() {
        #expect(Set(Self.samples.map(\.kind)).count == 11)
    }
}
