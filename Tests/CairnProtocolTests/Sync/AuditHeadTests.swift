import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust
import CairnWire
import Foundation
import Testing

/// Signed audit heads: the signature binds device, sequence number and hash under their own
/// domain; the anchor file and the `AuditHeads` frame carry them and refuse every other shape.
@Suite("Audit heads")
struct AuditHeadTests {
    static let alpha = TestKeys.device("alpha/hq")
    static let bravo = TestKeys.device("bravo/hq")

    static func head(seq: UInt64 = 42, keys: DeviceSecretKeys = alpha) throws -> AuditHead {
        try AuditHead.sign(seq: seq, hash: [UInt8](repeating: 0xab, count: 32), signedAt: 1_795_629_278_066, keys: keys)
    }

    @Test func aSignedHeadVerifiesOnlyForItsDevice() throws {
        let head = try Self.head()
        #expect(head.isValid(for: Self.alpha.deviceID))
        #expect(!head.isValid(for: Self.bravo.deviceID))
        // Any field changed breaks the signature.
        let changes: [AuditHead] = [
            try AuditHead(device: head.device, seq: head.seq + 1, hash: head.hash, signedAt: head.signedAt, signature: head.signature),
            try AuditHead(device: head.device, seq: head.seq, hash: [UInt8](repeating: 0xac, count: 32), signedAt: head.signedAt, signature: head.signature),
            try AuditHead(device: head.device, seq: head.seq, hash: head.hash, signedAt: head.signedAt + 1, signature: head.signature),
        ]
        for changed in changes { #expect(!changed.isValid(for: Self.alpha.deviceID)) }
        // Bravo's genuine head, relabelled as alpha's, is refused too.
        let bravos = try Self.head(keys: Self.bravo)
        let relabelled = try AuditHead(device: Self.alpha.deviceID, seq: bravos.seq, hash: bravos.hash, signedAt: bravos.signedAt, signature: bravos.signature)
        #expect(!relabelled.isValid(for: Self.alpha.deviceID))
    }

    @Test func theSignatureIsDomainSeparated() throws {
        // The device's signature over the same bytes without the domain (or an exported head's
        // domain) is not a valid anchor signature.
        let head = try Self.head()
        let exportDomain = Array("cairn/v1/audit-head\0".utf8) + withUnsafeBytes(of: head.seq.bigEndian, Array.init) + head.hash
        let forged = try AuditHead(
            device: head.device, seq: head.seq, hash: head.hash, signedAt: head.signedAt,
            signature: Self.alpha.signing.signature(for: exportDomain))
        #expect(!forged.isValid(for: Self.alpha.deviceID))
    }

    @Test func shapesAreChecked() throws {
        let device = Self.alpha.deviceID
        #expect(throws: AuditHeadError.self) { try AuditHead(device: device, seq: 0, hash: [UInt8](repeating: 1, count: 32), signedAt: 0, signature: [UInt8](repeating: 1, count: 64)) }
        #expect(throws: AuditHeadError.self) { try AuditHead(device: device, seq: 1, hash: [1], signedAt: 0, signature: [UInt8](repeating: 1, count: 64)) }
        #expect(throws: AuditHeadError.self) { try AuditHead(device: device, seq: 1, hash: [UInt8](repeating: 1, count: 32), signedAt: 0, signature: [1]) }
    }

    @Test func theAnchorRecordRoundTripsAndRefusesEverythingElse() throws {
        let head = try Self.head()
        let bytes = head.anchorRecord()
        #expect(bytes.count == AuditHead.anchorRecordLength)
        #expect(try AuditHead.parseAnchorRecord(bytes[...]) == head)
        #expect(throws: AuditHeadError.self) { try AuditHead.parseAnchorRecord([]) }
        #expect(throws: AuditHeadError.self) { try AuditHead.parseAnchorRecord(bytes.dropLast()) }
        #expect(throws: AuditHeadError.self) { try AuditHead.parseAnchorRecord((bytes + [0])[...]) }
        var magic = bytes
        magic[7] = UInt8(ascii: "2")
        #expect(throws: AuditHeadError.self) { try AuditHead.parseAnchorRecord(magic[...]) }
        var zeroSeq = bytes
        for index in 40..<48 { zeroSeq[index] = 0 }
        #expect(throws: AuditHeadError.self) { try AuditHead.parseAnchorRecord(zeroSeq[...]) }
        var flipped = bytes
        flipped[60] ^= 1  // inside the hash: parses, but no longer verifies
        #expect(try !AuditHead.parseAnchorRecord(flipped[...]).isValid(for: Self.alpha.deviceID))
    }

    @Test func theAnchorFileHasTwoSlotsEachReadOnItsOwn() throws {
        let older = try Self.head(seq: 41)
        let newer = try Self.head(seq: 42)
        let file = AuditAnchorFile.slot(older) + AuditAnchorFile.slot(newer)
        #expect(file.count == AuditAnchorFile.length)
        #expect(try AuditAnchorFile.parse(file) == [.head(older), .head(newer)])
        // A write torn in the second slot leaves the first one readable.
        var torn = file
        for index in 600..<700 { torn[index] = 0xee }
        let slots = try AuditAnchorFile.parse(torn)
        #expect(slots[0] == .head(older))
        guard case .damaged = slots[1] else {
            Issue.record("a torn slot reads as \(slots[1])")
            return
        }
        #expect(try AuditAnchorFile.parse(AuditAnchorFile.slot(newer) + [UInt8](repeating: 0, count: 512)) == [.head(newer), .empty])
        var trailing = file
        trailing[400] = 1  // padding after a record must stay zero
        guard case .damaged = try AuditAnchorFile.parse(trailing)[0] else {
            Issue.record("bytes after a record were accepted")
            return
        }
        #expect(throws: AuditHeadError.self) { try AuditAnchorFile.parse(Array(file.dropLast())) }
        #expect(throws: AuditHeadError.self) { try AuditAnchorFile.parse(file + [0]) }
        #expect(throws: AuditHeadError.self) { try AuditAnchorFile.parse([]) }
    }

    @Test func theFrameRoundTrips() throws {
        let own = try Self.head(keys: Self.bravo)
        let yours = try Self.head(seq: 7)
        for frame: SyncFrame in [.auditHeads(own: own, yours: yours), .auditHeads(own: own, yours: nil), .auditHeads(own: nil, yours: yours)] {
            let bytes = frame.encode()
            #expect(try SyncFrame.decode(bytes, limits: .default) == frame)
            #expect(frame.wireSize == bytes.count)
        }
    }

    @Test func anEmptyOrMisshapenFrameIsRefused() throws {
        var empty = Cairn_V1_SyncMessage()
        empty.auditHeads = Cairn_V1_AuditHeads()
        #expect(throws: SyncError.self) { try SyncFrame.decode(try empty.serializedBytes(), limits: .default) }
        let good = try Self.head()
        let misshapen: [(inout Cairn_V1_AuditHead) -> Void] = [
            { $0.device = Data([1, 2, 3]) }, { $0.seq = 0 }, { $0.hash = Data(repeating: 1, count: 31) },
            { $0.signature = Data(repeating: 1, count: 65) },
        ]
        for change in misshapen {
            var wire = Cairn_V1_AuditHead()
            wire.device = Data(good.device.bytes)
            wire.seq = good.seq
            wire.hash = Data(good.hash)
            wire.signedAt = good.signedAt
            wire.signature = Data(good.signature)
            change(&wire)
            var message = Cairn_V1_SyncMessage()
            message.auditHeads.yours = wire
            #expect(throws: SyncError.self) { try SyncFrame.decode(try message.serializedBytes(), limits: .default) }
        }
    }

    @Test func helloCarriesFeaturesAndAnOldHelloReadsAsNone() throws {
        let hello = HelloFrame(federationID: [UInt8](repeating: 7, count: 16), charterVersion: 1, certificate: [1, 2, 3])
        #expect(hello.announces(SyncFrame.auditHeadsFeature))
        guard case .hello(let decoded) = try SyncFrame.decode(SyncFrame.hello(hello).encode(), limits: .default) else {
            Issue.record("not a hello")
            return
        }
        #expect(decoded.features == SyncFrame.features)
        // A Hello as today's peers send it (no field 5).
        let old = HelloFrame(federationID: [UInt8](repeating: 7, count: 16), charterVersion: 1, certificate: [1, 2, 3], features: 0)
        guard case .hello(let decodedOld) = try SyncFrame.decode(SyncFrame.hello(old).encode(), limits: .default) else {
            Issue.record("not a hello")
            return
        }
        #expect(!decodedOld.announces(SyncFrame.auditHeadsFeature))
    }
}
