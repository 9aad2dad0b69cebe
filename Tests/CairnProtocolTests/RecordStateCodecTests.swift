import CairnCrypto
import CairnModel
import CairnProtocol
import Testing

@Suite("RecordStateCodec")
struct RecordStateCodecTests {
    static let rowKey = BLAKE2b.hash(Array("cairn-test-row-incident-42".utf8))

    static func stamp(_ device: DeviceID, _ wall: UInt64, _ counter: UInt32 = 0) -> Stamp {
        Stamp(hlc: HLCTimestamp(wallMillis: wall, counter: counter), author: device)
    }

    /// A record written by two authors: a type, a field in conflict, a removed field, a tag added
    /// and removed, another tag re-added concurrently, nested values, and finally a deletion.
    static func richState() throws -> RecordState {
        let alpha = Fixture.alpha.deviceID
        let bravo = Fixture.bravo.deviceID
        let id = Fixture.record("incident-42")
        var state = RecordState.new(id: id, level: Fixture.level, first: stamp(alpha, 1_000))
        let a1 = stamp(alpha, 1_000)
        let b1 = stamp(bravo, 1_000, 3)
        let a2 = stamp(alpha, 2_000)
        let b2 = stamp(bravo, 2_500)
        try state.apply(.setType(record: id, type: "incident"), stamp: a1)
        try state.apply(.setField(record: id, name: "title", value: .string("Bridge"), observed: CausalContext()), stamp: a1)
        try state.apply(.setField(record: id, name: "title", value: .string("Bridge closed"), observed: CausalContext()), stamp: b1)
        try state.apply(.setField(record: id, name: "count", value: .int(.min), observed: CausalContext()), stamp: a1)
        try state.apply(
            .setField(
                record: id, name: "details",
                value: .object(["zeta": .array([.double(-0.5), .null, .bool(true)]), "alpha": .object([:]), "é": .string("ü")]),
                observed: CausalContext()),
            stamp: b1)
        try state.apply(.setField(record: id, name: "obsolete", value: .null, observed: CausalContext()), stamp: a1)
        try state.apply(
            .setField(record: id, name: "obsolete", value: nil, observed: CausalContext([alpha: a1.hlc])), stamp: b2)
        try state.apply(.addTag(record: id, tag: "urgent"), stamp: a1)
        try state.apply(.addTag(record: id, tag: "draft"), stamp: a1)
        try state.apply(.removeTag(record: id, tag: "draft", observed: CausalContext([alpha: a1.hlc])), stamp: b1)
        try state.apply(.addTag(record: id, tag: "draft"), stamp: a2)
        try state.apply(.addTag(record: id, tag: "⚠︎-review"), stamp: b2)
        try state.apply(.delete(record: id), stamp: b2)
        return state
    }

    @Test func sealOpenRoundTripOfARichState() throws {
        let state = try Self.richState()
        // The state really holds what this test claims to cover.
        #expect(state.fields["title"]?.conflicts.count == 1)
        #expect(Set(state.fields["title"]?.writes.keys.map { $0 } ?? []) == [Fixture.alpha.deviceID, Fixture.bravo.deviceID])
        #expect(state.fields["obsolete"]?.winner?.value == nil)
        #expect(state.tags["draft"]?.removed.isEmpty == false)
        #expect(state.tags["draft"]?.isPresent == true)
        #expect(state.deleted != nil)
        #expect(state.type == "incident")

        let sealed = RecordStateCodec.seal(state, rowKey: Self.rowKey, epoch: Fixture.epoch, key: Fixture.key)
        let opened = try RecordStateCodec.open(
            sealed, rowKey: Self.rowKey, level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key)
        #expect(opened == state)
        #expect(opened.view() == state.view())
    }

    @Test func sealOpenRoundTripOfAFreshState() throws {
        let state = RecordState.new(
            id: Fixture.record("r1"), level: "UNCLASSIFIED", first: Self.stamp(Fixture.laptop.deviceID, 42, 1))
        let sealed = RecordStateCodec.seal(state, rowKey: Self.rowKey, epoch: Fixture.epoch, key: Fixture.key)
        let opened = try RecordStateCodec.open(
            sealed, rowKey: Self.rowKey, level: "UNCLASSIFIED", epoch: Fixture.epoch, key: Fixture.key)
        #expect(opened == state)
        #expect(opened.type == nil && opened.typeStamp == nil && opened.deleted == nil)
    }

    @Test func sealingIsRandomizedAndHidesTheContent() throws {
        let state = try Self.richState()
        let first = RecordStateCodec.seal(state, rowKey: Self.rowKey, epoch: Fixture.epoch, key: Fixture.key)
        let second = RecordStateCodec.seal(state, rowKey: Self.rowKey, epoch: Fixture.epoch, key: Fixture.key)
        #expect(first != second)
        let plainTitle = Array("Bridge closed".utf8)
        #expect(!first.indices.dropLast(plainTitle.count).contains { Array(first[$0..<($0 + plainTitle.count)]) == plainTitle })
    }

    @Test func differentAssociatedDataOrKeyIsDecryptionFailed() throws {
        let state = try Self.richState()
        let sealed = RecordStateCodec.seal(state, rowKey: Self.rowKey, epoch: Fixture.epoch, key: Fixture.key)
        var otherRow = Self.rowKey
        otherRow[0] ^= 0x01
        let cases: [(String, [UInt8], String, EpochRef, XChaCha20Poly1305.Key)] = [
            ("other row key", otherRow, Fixture.level, Fixture.epoch, Fixture.key),
            ("shorter row key", Array(Self.rowKey.dropLast()), Fixture.level, Fixture.epoch, Fixture.key),
            ("empty row key", [], Fixture.level, Fixture.epoch, Fixture.key),
            ("other level", Self.rowKey, "CONFIDENTIAL", Fixture.epoch, Fixture.key),
            ("other epoch", Self.rowKey, Fixture.level, Fixture.epochRef(3, label: "epoch-3b"), Fixture.key),
            ("other key", Self.rowKey, Fixture.level, Fixture.epoch, Fixture.otherKey),
        ]
        for (name, rowKey, level, epoch, key) in cases {
            expectProtocolError(.decryptionFailed, "\(name)") {
                _ = try RecordStateCodec.open(sealed, rowKey: rowKey, level: level, epoch: epoch, key: key)
            }
        }
    }

    @Test func tamperedSealedStateIsDecryptionFailed() throws {
        let state = RecordState.new(id: Fixture.record("r1"), level: Fixture.level, first: Self.stamp(Fixture.alpha.deviceID, 1))
        let sealed = RecordStateCodec.seal(state, rowKey: Self.rowKey, epoch: Fixture.epoch, key: Fixture.key)
        for index in sealed.indices {
            var tampered = sealed
            tampered[index] ^= 0x04
            expectProtocolError(.decryptionFailed, "byte \(index)") {
                _ = try RecordStateCodec.open(tampered, rowKey: Self.rowKey, level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key)
            }
        }
        for length in [0, XChaCha20Poly1305.overhead - 1, sealed.count - 1] {
            expectProtocolError(.decryptionFailed, "first \(length) bytes") {
                _ = try RecordStateCodec.open(
                    Array(sealed.prefix(length)), rowKey: Self.rowKey, level: Fixture.level, epoch: Fixture.epoch,
                    key: Fixture.key)
            }
        }
    }

    @Test func associatedDataPartsCannotShiftIntoEachOther() throws {
        // Each part of the associated data is length-prefixed, so (rowKey "…A", level "B") and
        // (rowKey "…", level "AB") differ and the AEAD refuses the moved row.
        let state = RecordState.new(id: Fixture.record("r1"), level: "AB", first: Self.stamp(Fixture.alpha.deviceID, 1))
        let sealed = RecordStateCodec.seal(state, rowKey: [0x10], epoch: Fixture.epoch, key: Fixture.key)
        expectProtocolError(.decryptionFailed) {
            _ = try RecordStateCodec.open(sealed, rowKey: [0x10, UInt8(ascii: "A")], level: "B", epoch: Fixture.epoch, key: Fixture.key)
        }
        #expect(try RecordStateCodec.open(sealed, rowKey: [0x10], level: "AB", epoch: Fixture.epoch, key: Fixture.key) == state)
    }

    @Test(arguments: [false, true])
    func fieldNestedExactlyAsDeepAsTheModelAllowsRoundTrips(objects: Bool) throws {
        let id = Fixture.record("r1")
        let stamp = Self.stamp(Fixture.alpha.deviceID, 1)
        var state = RecordState.new(id: id, level: Fixture.level, first: stamp)
        let value = SealedDeltaOpenTests.nestedValue(depth: ModelLimits.maxNestingDepth, objects: objects)
        try state.apply(.setField(record: id, name: "deep", value: value, observed: CausalContext()), stamp: stamp)
        let sealed = RecordStateCodec.seal(state, rowKey: Self.rowKey, epoch: Fixture.epoch, key: Fixture.key)
        #expect(
            try RecordStateCodec.open(sealed, rowKey: Self.rowKey, level: Fixture.level, epoch: Fixture.epoch, key: Fixture.key)
                == state)
    }
}
