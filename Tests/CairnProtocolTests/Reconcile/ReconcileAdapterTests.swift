import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Testing

/// The two uses of the engine: stream heads (what each side sends the other) and certificates
/// by reference (which certificates each side lacks or holds in an older version).
@Suite struct ReconcileAdapterTests {
    static let levels: Set<String> = ["UNCLASSIFIED", "SECRET"]

    static func position(_ author: UInt8, _ level: String, _ sequence: UInt64, head: UInt8 = 0) -> StreamPosition {
        StreamPosition(
            author: try! DeviceID(Array(repeating: author, count: 32)), level: level, sequence: sequence,
            head: BLAKE2b.hash([author, UInt8(sequence & 0xFF), head] + Array(level.utf8)))
    }

    @Test func streamHeadsTellEachSideWhatToSend() throws {
        let shared = (1...50).map { Self.position(UInt8($0), "UNCLASSIFIED", 10) }
        let ours = shared + [
            Self.position(100, "SECRET", 7),  // ahead: we send 6...7
            Self.position(101, "SECRET", 3),  // behind: the peer sends
            Self.position(102, "SECRET", 4),  // only ours: we send 1...4
            Self.position(103, "SECRET", 5, head: 1),  // equivocation
            Self.position(104, "CONFIDENTIAL", 9),  // not a common level: never disclosed
        ]
        let theirs = shared + [
            Self.position(100, "SECRET", 5), Self.position(101, "SECRET", 8), Self.position(103, "SECRET", 5, head: 2),
            Self.position(105, "SECRET", 2),  // only theirs
        ]
        let local = try StreamHeadItems(local: ours, levels: Self.levels)
        let remote = try StreamHeadItems(local: theirs, levels: Self.levels)
        #expect(local.set.count == 54)
        let run = try ReconcileRun.run(local.set, remote.set)
        let mine = local.compare(try #require(run.initiator.outcome))
        let stream = { (author: UInt8) in StreamID(author: try! DeviceID(Array(repeating: author, count: 32)), level: "SECRET") }
        #expect(
            Set(mine.ranges) == [StreamRange(stream: stream(100), sequences: 6...7), StreamRange(stream: stream(102), sequences: 1...4)])
        #expect(mine.equivocations.map(\.stream) == [stream(103)])
        #expect(mine.streamsOnlyPeerHolds == 1)
        let other = remote.compare(try #require(run.responder.outcome))
        #expect(other.ranges == [StreamRange(stream: stream(101), sequences: 4...8), StreamRange(stream: stream(105), sequences: 1...2)].sorted { $0.stream < $1.stream })
        #expect(other.streamsOnlyPeerHolds == 1)
        #expect(Set(other.peerPositions.map(\.stream)) == [stream(100), stream(101), stream(103)])
    }

    @Test func streamHeadsRefuseMalformedInput() throws {
        let position = Self.position(1, "SECRET", 1)
        #expect(throws: ReconcileError.invalidLocalSet("a stream given twice")) {
            try StreamHeadItems(local: [position, position], levels: Self.levels)
        }
        var bad = position
        bad.sequence = 0
        #expect(throws: ReconcileError.self) { try StreamHeadItems(local: [bad], levels: Self.levels) }
        #expect(StreamHeadItems.decode(StreamHeadItems.value(sequence: 77, head: position.head))?.sequence == 77)
    }

    static func renewed(_ ref: String, notBefore: Int64) throws -> DeviceCertificate {
        let request = try CertificationRequest.verify(TestKeys.request(ref))
        let signed = try DeviceCertificate.issue(
            request: request, agencyKey: TestKeys.agency(String(ref.split(separator: "/")[0])), charter: TestKeys.charter(),
            clearance: "SECRET", notBefore: notBefore, notAfter: TestKeys.validUntil, serial: Array(repeating: 9, count: 16))
        return try DeviceCertificate.verify(signed, charter: TestKeys.charter(), now: TestKeys.now)
    }

    @Test func certificatesByReference() throws {
        let alpha = TestKeys.verifiedCertificate("alpha/hq")
        let laptop = TestKeys.verifiedCertificate("alpha/laptop")
        let bravo = TestKeys.verifiedCertificate("bravo/hq")
        let alphaRenewed = try Self.renewed("alpha/hq", notBefore: TestKeys.validFrom + 1_000)
        // We hold alpha's renewed certificate and bravo's; the peer alpha's old one and laptop's.
        let local = try CertificateItems([alpha, alphaRenewed, bravo])
        let remote = try CertificateItems([alpha, laptop])
        #expect(local.set.count == 2)
        let run = try ReconcileRun.run(local.set, remote.set)
        let outcome = try #require(run.initiator.outcome)
        #expect(Set(local.toSend(outcome).map(\.serial)) == [alphaRenewed.serial, bravo.serial])
        #expect(local.expected(outcome) == [laptop.deviceID])
        let theirs = try #require(run.responder.outcome)
        #expect(remote.toSend(theirs).map(\.deviceID) == [laptop.deviceID])
        #expect(Set(remote.expected(theirs)) == [alpha.deviceID, bravo.deviceID])
        #expect(CertificateItems.version(of: CertificateItems.value(of: alphaRenewed))?.notBefore == TestKeys.validFrom + 1_000)
    }
}
