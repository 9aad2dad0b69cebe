import CairnModel
import CairnProtocol
import CairnWire
import Foundation
import Testing

/// Each rule of `SyncFrame.decode`, broken once.
@Suite("SyncFrame validation")
struct SyncFrameValidationTests {
    static func wire(_ build: (inout Cairn_V1_SyncMessage) -> Void) -> [UInt8] {
        var message = Cairn_V1_SyncMessage()
        build(&message)
        return try! message.serializedBytes()
    }

    static func hello(_ change: (inout Cairn_V1_Hello) -> Void) -> [UInt8] {
        var hello = Cairn_V1_Hello()
        hello.protocol = 1
        hello.federationID = Data(repeating: 1, count: 16)
        hello.charterVersion = 1
        hello.certificate = Data(repeating: 2, count: 100)
        change(&hello)
        return wire { $0.hello = hello }
    }

    static func position(_ change: (inout Cairn_V1_StreamPosition) -> Void) -> [UInt8] {
        var entry = Cairn_V1_StreamPosition()
        entry.author = Data(repeating: 3, count: 32)
        entry.level = "SECRET"
        entry.sequence = 1
        entry.head = Data(repeating: 4, count: 32)
        change(&entry)
        return wire { $0.vector.positions = [entry] }
    }

    static func expectError(_ expected: SyncError, _ bytes: [UInt8], limits: SyncLimits = .default) {
        #expect(throws: expected) { try SyncFrame.decode(bytes, limits: limits) }
    }

    static func expectInvalid(
        _ bytes: [UInt8], containing text: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let frame = try SyncFrame.decode(bytes, limits: .default)
            Issue.record("accepted \(frame.kind)", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(text), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func sizeIsCheckedBeforeParsing() {
        let limits = SyncLimits(maxFrameBytes: 64)
        Self.expectError(.frameTooLarge(size: 65, limit: 64), [UInt8](repeating: 0xFF, count: 65), limits: limits)
        #expect(throws: SyncError.self) { try SyncFrame.decode([UInt8](repeating: 0xFF, count: 64), limits: limits) }
    }

    @Test func garbageAndEmptyMessagesAreMalformed() {
        Self.expectInvalid([], containing: "no message kind")
        // Field 13: a kind from a future version is no kind this version knows (which is why
        // field 10, `AuditHeads`, field 11, `reconcile`, and field 12, `EarlyGrants`, are only
        // sent to peers that announce them in their Hello).
        Self.expectInvalid([0x6A, 0x00], containing: "no message kind")
        Self.expectInvalid([0x52, 0x00], containing: "neither own nor yours")
        Self.expectInvalid([0xFF, 0xFF, 0xFF], containing: "malformed")
        Self.expectInvalid([0x12, 0x10, 0x01], containing: "malformed")
        Self.expectInvalid([0x00], containing: "malformed")
        // Groups do not exist in proto3 and are refused before the parser walks them.
        Self.expectInvalid([0x0B, 0x0C], containing: "wire type 3")
        Self.expectInvalid([0x22, 0x02, 0x13, 0x14], containing: "wire type 3")
        // A goodbye reason that is not UTF-8.
        Self.expectInvalid([0x42, 0x03, 0x0A, 0x01, 0xFF], containing: "malformed")
    }

    @Test func helloRules() {
        Self.expectError(.unsupportedProtocol(2), Self.hello { $0.protocol = 2 })
        Self.expectError(.unsupportedProtocol(0), Self.hello { $0.protocol = 0 })
        Self.expectError(
            .invalid(what: "hello", detail: "federation id of 15 bytes"),
            Self.hello { $0.federationID = Data(count: 15) })
        Self.expectError(.invalid(what: "hello", detail: "charter version 0"), Self.hello { $0.charterVersion = 0 })
        Self.expectError(.invalid(what: "hello", detail: "no certificate"), Self.hello { $0.certificate = Data() })
        Self.expectError(
            .tooLarge(what: "certificate", size: 16_385, limit: 16_384),
            Self.hello { $0.certificate = Data(count: 16_385) })
        Self.expectError(.invalid(what: "hello", detail: "listen port 65536"), Self.hello { $0.listenPort = 65_536 })
    }

    @Test func summaryRules() {
        Self.expectError(
            .invalid(what: "summary", detail: "digest of 31 bytes"),
            Self.wire { $0.summary.digest = Data(count: 31) })
        Self.expectError(
            .tooMany(what: "streams in a summary", count: 200_001, limit: 200_000),
            Self.wire {
                $0.summary.digest = Data(count: 32)
                $0.summary.streams = 200_001
            })
    }

    @Test func positionRules() {
        #expect(throws: Never.self) { try SyncFrame.decode(Self.position { _ in }, limits: .default) }
        Self.expectInvalid(Self.position { $0.author = Data(count: 31) }, containing: "author of 31 bytes")
        Self.expectInvalid(Self.position { $0.author = Data() }, containing: "author of 0 bytes")
        Self.expectInvalid(Self.position { $0.level = "secret" }, containing: "level name")
        Self.expectInvalid(Self.position { $0.level = "" }, containing: "level name")
        Self.expectInvalid(Self.position { $0.level = String(repeating: "A", count: 33) }, containing: "level name")
        Self.expectInvalid(Self.position { $0.level = "SECRET\u{0}" }, containing: "level name")
        Self.expectInvalid(Self.position { $0.sequence = 0 }, containing: "sequence 0")
        Self.expectInvalid(Self.position { $0.head = Data(count: 33) }, containing: "head of 33 bytes")
        Self.expectInvalid(Self.position { $0.head = Data() }, containing: "head of 0 bytes")
    }

    @Test func positionsMustBeStrictlySorted() throws {
        let a = SyncFixtures.position(SyncFixtures.stream(1, "RESTRICTED"), 2)
        let b = SyncFixtures.position(SyncFixtures.stream(1, "SECRET"), 2)
        let c = SyncFixtures.position(SyncFixtures.stream(2, "CONFIDENTIAL"), 2)
        #expect(
            try SyncFrame.decode(
                SyncFrame.vector(round: 1, positions: [a, b, c], reply: false).encode(), limits: .default)
                == .vector(round: 1, positions: [a, b, c], reply: false))
        for bad in [[b, a], [a, c, b], [a, a], [c, a]] {
            Self.expectInvalid(
                SyncFrame.vector(round: 1, positions: bad, reply: false).encode(), containing: "unsorted or duplicate")
        }
        // The same stream twice with different sequences is a duplicate too.
        var again = a
        again.sequence = 9
        Self.expectInvalid(
            SyncFrame.vector(round: 1, positions: [a, again], reply: false).encode(),
            containing: "unsorted or duplicate")
    }

    @Test func countsAreRefusedBeforeTheParserAllocates() {
        // 300,001 empty positions fit in 600 KB: refused on the raw count.
        var bytes: [UInt8] = [0x22]
        let body: [UInt8] = (0..<(300_001 * 2)).map { $0 % 2 == 0 ? 0x12 : 0x00 }
        bytes += varint(UInt64(body.count)) + body
        Self.expectError(.tooMany(what: "vector positions", count: 300_001, limit: 200_000), bytes)
        let small = SyncLimits(maxVectorStreams: 2, maxCertificates: 1)
        let three = SyncFrame.vector(
            round: 1, positions: (0..<3).map { SyncFixtures.position(SyncFixtures.stream($0), 1) }, reply: false)
        Self.expectError(.tooMany(what: "vector positions", count: 3, limit: 2), three.encode(), limits: small)
        Self.expectError(
            .tooMany(what: "certificates", count: 2, limit: 1), SyncFrame.certificates([[1], [2]]).encode(),
            limits: small)
        let envelopes = SyncFrame.deltas(batch: 1, envelopes: (0..<257).map { _ in [1] })
        Self.expectError(.tooMany(what: "delta envelopes", count: 257, limit: 256), envelopes.encode())
    }

    @Test func deltasRules() {
        Self.expectError(.invalid(what: "delta envelope list", detail: "empty"), Self.wire { $0.deltas.batch = 1 })
        Self.expectError(
            .invalid(what: "delta envelope 1", detail: "empty"),
            SyncFrame.deltas(batch: 1, envelopes: [[1], []]).encode())
        let limits = SyncLimits(maxEnvelopeBytes: 100)
        Self.expectError(
            .tooLarge(what: "delta envelope", size: 101, limit: 100),
            SyncFrame.deltas(batch: 1, envelopes: [[UInt8](repeating: 1, count: 101)]).encode(), limits: limits)
    }

    @Test func certificatesRules() {
        Self.expectError(
            .invalid(what: "certificate list", detail: "empty"), Self.wire { $0.certificates = Cairn_V1_Certificates() }
        )
        Self.expectError(.invalid(what: "certificate 0", detail: "empty"), SyncFrame.certificates([[]]).encode())
        Self.expectError(
            .tooLarge(what: "certificate", size: 16_385, limit: 16_384),
            SyncFrame.certificates([[UInt8](repeating: 1, count: 16_385)]).encode())
    }

    @Test func earlyGrantsRules() {
        Self.expectError(
            .invalid(what: "early grant list", detail: "empty"), Self.wire { $0.earlyGrants = Cairn_V1_EarlyGrants() })
        Self.expectError(.invalid(what: "early grant 0", detail: "empty"), SyncFrame.earlyGrants([[]]).encode())
        Self.expectError(
            .tooLarge(what: "early grant", size: 101, limit: 100),
            SyncFrame.earlyGrants([[UInt8](repeating: 1, count: 101)]).encode(), limits: SyncLimits(maxEnvelopeBytes: 100))
        // Counted on the raw bytes before protobuf parses them.
        Self.expectError(
            .tooMany(what: "early grants", count: SyncFrame.maxEarlyGrants + 1, limit: SyncFrame.maxEarlyGrants),
            SyncFrame.earlyGrants((0...SyncFrame.maxEarlyGrants).map { _ in [1] }).encode())
    }

    @Test func trustRules() {
        Self.expectError(.invalid(what: "trust", detail: "no revocation and no charter"), Self.wire { $0.trust = Cairn_V1_Trust() })
        Self.expectError(
            .invalid(what: "revocation 1", detail: "empty"), SyncFrame.trust(revocations: [[1], []], charters: []).encode())
        Self.expectError(
            .tooLarge(what: "charter", size: SyncLimits.maxCharterBytes + 1, limit: SyncLimits.maxCharterBytes),
            SyncFrame.trust(revocations: [], charters: [[UInt8](repeating: 1, count: SyncLimits.maxCharterBytes + 1)]).encode())
        // Counted on the raw bytes before protobuf parses them.
        Self.expectError(
            .tooMany(what: "charters", count: SyncLimits.maxCharters + 1, limit: SyncLimits.maxCharters),
            SyncFrame.trust(revocations: [], charters: (0...SyncLimits.maxCharters).map { _ in [1] }).encode())
        Self.expectError(
            .tooMany(what: "revocations", count: 2, limit: 1), SyncFrame.trust(revocations: [[1], [2]], charters: []).encode(),
            limits: SyncLimits(maxCertificates: 1))
    }

    @Test func goodbyeReasonIsBounded() throws {
        let longest = String(repeating: "é", count: 256)
        #expect(try SyncFrame.decode(SyncFrame.goodbye(longest).encode(), limits: .default) == .goodbye(longest))
        Self.expectError(
            .tooLarge(what: "goodbye reason", size: 514, limit: 512), SyncFrame.goodbye(longest + "é").encode())
    }

    private func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return out + [UInt8(value)]
    }
}
