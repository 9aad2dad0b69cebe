import CairnControl
import CairnCrypto
import CairnModel
import CairnProtocol
import CairnTestSupport
import CairnTrust
import Foundation
import Testing

@testable import CairnFuzzing

/// Writes the seed corpus `Fuzz/Corpus/<target>/` from real objects made with the test
/// federation's keys (the same keys the targets verify with). Runs only when asked:
///
///     CAIRN_WRITE_FUZZ_SEEDS=1 swift test --filter FuzzSeedGenerator
///
/// Sealing draws fresh nonces, so the files change on every run: regenerate only when a
/// format changes, and commit the result.
@Suite struct FuzzSeedGenerator {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CAIRN_WRITE_FUZZ_SEEDS"] == "1"))
    func writeSeeds() throws {
        let seeds = try FuzzSeeds.make()
        for (target, files) in seeds {
            let directory = FuzzCorpus.root + "/Corpus/" + target.rawValue
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, bytes) in files {
                #expect(bytes.count < 64 * 1024, "seed \(target)/\(name) is \(bytes.count) bytes")
                try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
            }
        }
    }
}

/// Valid inputs for every target.
enum FuzzSeeds {
    static let alpha = TestKeys.device("alpha/hq")
    static let bravo = TestKeys.device("bravo/hq")
    static let hlc = HLCTimestamp(wallMillis: 1_798_761_600_123, counter: 7)
    static let epoch = FuzzFixtures.epoch(3, label: "cairn-fuzz-epoch")

    static func make() throws -> [FuzzTarget: [(String, [UInt8])]] {
        let records = try recordsDelta(sequence: 1, previous: [])
        let small = try recordsDelta(sequence: 2, previous: records.id, small: true)
        let grant = try grantDelta()
        let charter = TestKeys.charter()
        let certificate = TestKeys.certificate("alpha/hq")
        let revocation = try Revocation.issue(
            certificate: TestKeys.verifiedCertificate("charlie/hq"), agencyKey: TestKeys.agency("charlie"), charter: charter,
            effectiveAt: TestKeys.now, reason: "lost")
        let bundle = try bundleFile(deltas: [records.envelope, grant.envelope], certificates: [certificate.serialized()])
        let vector = vectorFile()
        return [
            .frame: try frameSeeds(
                records: records, small: small, grant: grant, certificate: certificate, charter: charter, revocation: revocation),
            .envelope: [
                ("records", records.envelope), ("records-small", small.envelope),
                ("records-redacted", try records.redacted().envelope), ("grant", grant.envelope),
            ],
            .grant: [("grant", grant.envelope)],
            .grantCopies: [("single", grant.body), ("copies", try grantCopiesDelta().body)],
            .bundle: [("bundle", bundle), ("bundle-empty", try bundleFile(deltas: [], certificates: [])), ("vector", vector)],
            .charter: [("charter.armored", Array(charter.signed.armored().utf8)), ("charter.bin", charter.signed.serialized())],
            .certificate: [
                ("certificate.armored", Array(certificate.armored().utf8)), ("certificate.bin", certificate.serialized()),
                ("request.armored", Array(TestKeys.request("bravo/hq").armored().utf8)),
                ("revocation.bin", revocation.serialized()),
            ],
            .controlRequest: controlSeeds(charter: charter, revocation: revocation, bundle: bundle, vector: vector),
            .auditAnchor: try anchorSeeds(),
            .reconcile: ReconcileFuzzer.seeds(),
        ]
    }

    static func recordsDelta(sequence: UInt64, previous: [UInt8], small: Bool = false) throws -> SealedDelta {
        let record = try RecordID("incident-42")
        let context = CausalContext([bravo.deviceID: HLCTimestamp(wallMillis: 1_798_761_500_000, counter: 2)])
        let operations: [CairnModel.Operation] =
            small
            ? [.setField(record: record, name: "n", value: .int(1), observed: CausalContext())]
            : [
                .setType(record: record, type: "incident"),
                .setField(record: record, name: "title", value: .string("Bridge closed"), observed: CausalContext()),
                .setField(record: record, name: "count", value: .int(-9), observed: context),
                .setField(record: record, name: "ratio", value: .double(0.5), observed: CausalContext()),
                .setField(
                    record: record, name: "details",
                    value: .object(["list": .array([.bool(true), .null, .string("x")])]), observed: CausalContext()),
                .setField(record: record, name: "gone", value: nil, observed: context),
                .addTag(record: record, tag: "urgent"),
                .removeTag(record: record, tag: "draft", observed: context),
                .delete(record: try RecordID("old")),
            ]
        let change = Change(author: alpha.deviceID, level: "SECRET", hlc: hlc, operations: operations)
        return try SealedDelta.seal(
            change: change, sequence: sequence, previous: previous, epoch: epoch, key: FuzzFixtures.shared.epochKey,
            signer: alpha.signing)
    }

    static func grantDelta() throws -> SealedDelta {
        let grant = EpochGrant.make(
            level: "CONFIDENTIAL", epoch: epoch, key: FuzzFixtures.key("granted"), recipient: bravo.deviceID,
            recipientWrappingKey: bravo.wrapping.publicKey)
        return try grant.delta(author: alpha.deviceID, sequence: 1, previous: [], hlc: hlc, signer: alpha.signing)
    }

    /// A copies-form grant to alpha/hq, bravo/hq and charlie/hq.
    static func grantCopiesDelta() throws -> SealedDelta {
        let recipients = [alpha, bravo, TestKeys.device("charlie/hq")].map { ($0.deviceID, $0.wrapping.publicKey) }
        return try GrantCopies.delta(
            level: "CONFIDENTIAL", epoch: epoch, key: FuzzFixtures.key("granted"), recipients: recipients,
            author: alpha.deviceID, sequence: 1, previous: [], hlc: hlc, signer: alpha.signing).0
    }

    static func bundleFile(deltas: [[UInt8]], certificates: [[UInt8]]) throws -> [UInt8] {
        try BundleWriter.write(
            BundleContents(certificates: certificates, deltas: deltas), federationID: TestKeys.charter().federationID,
            senderCertificate: TestKeys.certificate("alpha/hq").serialized(), signer: alpha.signing, recipient: bravo.deviceID,
            recipientWrappingKey: bravo.wrapping.publicKey, levels: ["CONFIDENTIAL", "SECRET"], createdAt: TestKeys.now,
            bundleID: Array(repeating: 7, count: BundleHeader.idLength))
    }

    static func vectorFile() -> [UInt8] {
        BundleVectorFile.make(
            federationID: TestKeys.charter().federationID, certificate: TestKeys.certificate("bravo/hq").serialized(),
            createdAt: TestKeys.now, positions: positions, signer: bravo.signing)
    }

    static var positions: [StreamPosition] {
        [
            StreamPosition(author: alpha.deviceID, level: "SECRET", sequence: 2, head: BLAKE2b.hash([1])),
            StreamPosition(author: bravo.deviceID, level: "CONFIDENTIAL", sequence: 9, head: BLAKE2b.hash([2])),
        ]
    }

    static func frameSeeds(
        records: SealedDelta, small: SealedDelta, grant: SealedDelta, certificate: SignedObject, charter: Charter, revocation: SignedObject
    ) throws -> [(String, [UInt8])] {
        func stream(_ frames: [SyncFrame]) -> [UInt8] {
            frames.flatMap { frame -> [UInt8] in
                let payload = frame.encode()
                let length = UInt32(payload.count)
                return [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + payload
            }
        }
        let hello = HelloFrame(
            federationID: charter.federationID, charterVersion: charter.version, certificate: certificate.serialized(), listenPort: 7401)
        return [
            ("hello-summary", stream([.hello(hello), .summary(round: 1, digest: VectorDigest.digest(positions), streams: 2)])),
            ("vector-agree", stream([.vector(round: 1, positions: positions, reply: true), .agree(round: 2)])),
            ("deltas-ack", stream([.deltas(batch: 1, envelopes: [records.envelope, small.envelope]), .ack(AckCounts(batch: 1, stored: 2))])),
            ("certificates", stream([.certificates([certificate.serialized(), TestKeys.certificate("bravo/hq").serialized()])])),
            ("trust-goodbye", stream([.trust(revocations: [revocation.serialized()], charters: [charter.signed.serialized()]), .goodbye("done")])),
            ("early-grants", stream([.earlyGrants([grant.envelope])])),
            ("reconcile", stream(ReconcileFuzzFixtures.shared.messages.prefix(2).map { SyncFrame.reconcile($0) })),
            ("audit-heads", stream([.auditHeads(own: try auditHead(41, by: bravo), yours: try auditHead(42, by: alpha)), .auditHeads(own: nil, yours: try auditHead(43, by: alpha))])),
        ]
    }

    /// A head of `keys`' audit log at `seq`.
    static func auditHead(_ seq: UInt64, by keys: DeviceSecretKeys) throws -> AuditHead {
        try AuditHead.sign(seq: seq, hash: BLAKE2b.hash(Array("entry \(seq)".utf8)), signedAt: 1_798_761_600_123, keys: keys)
    }

    /// Anchor files of alpha/hq: both slots written, and the first only (a new anchor).
    static func anchorSeeds() throws -> [(String, [UInt8])] {
        [
            ("two-slots", AuditAnchorFile.slot(try auditHead(42, by: alpha)) + AuditAnchorFile.slot(try auditHead(43, by: alpha))),
            ("one-slot", AuditAnchorFile.slot(try auditHead(7, by: alpha)) + [UInt8](repeating: 0, count: AuditAnchorFile.slotLength)),
        ]
    }

    static func controlSeeds(charter: Charter, revocation: SignedObject, bundle: [UInt8], vector: [UInt8]) -> [(String, [UInt8])] {
        func request(_ method: String, _ target: String, json: String? = nil, body: [UInt8]? = nil, close: Bool = false) -> [UInt8] {
            let payload = body ?? json.map { Array($0.utf8) }
            var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
            if json != nil { head += "Content-Type: application/json\r\n" }
            if let payload { head += "Content-Length: \(payload.count)\r\n" }
            if close { head += "Connection: close\r\n" }
            return Array((head + "\r\n").utf8) + (payload ?? [])
        }
        let put = #"{"id":"incident-42","type":"incident","classification":"SECRET","fields":{"title":"Bridge","n":1,"r":0.5,"ok":true,"x":null,"l":[1,"a"],"o":{"k":"v"}},"tags":["urgent"],"removeTags":["draft"]}"#
        return [
            ("status-list", request("GET", "/v1/status") + request("GET", "/v1/records?class=SECRET&type=incident&tag=urgent&deleted=include", close: true)),
            ("put-record", request("POST", "/v1/records", json: put)),
            ("record-actions", request("GET", "/v1/records/incident-42/history") + request("POST", "/v1/records/incident%2D42/reclassify", json: #"{"classification":"CONFIDENTIAL"}"#)
                + request("POST", "/v1/records/incident-42/retract", json: #"{"reason":"wrong"}"#) + request("DELETE", "/v1/records/incident-42")),
            ("peers-sync", request("POST", "/v1/peers", json: #"{"name":"bravo","address":"127.0.0.1:7443"}"#)
                + request("POST", "/v1/sync", json: #"{"peer":"bravo","wait":true,"waitSeconds":5}"#) + request("DELETE", "/v1/peers/bravo")),
            ("audit", request("GET", "/v1/audit?after=3&limit=10") + request("GET", "/v1/audit/verify") + request("GET", "/metrics")
                + request("POST", "/v1/audit/acknowledge", json: #"{"break":12}"#)),
            ("trust", request("POST", "/v1/revocations", json: #"{"object":"\#(Data(revocation.serialized()).base64EncodedString())"}"#)
                + request("POST", "/v1/charter", json: #"{"object":"\#(Data(charter.signed.serialized()).base64EncodedString())"}"#)
                + request("GET", "/v1/devices")),
            ("bundles", request("POST", "/v1/bundles/export", json: #"{"for":"bravo/hq","since":"\#(Data(vector).base64EncodedString())"}"#)
                + request("POST", "/v1/bundles/import?dry_run=true&progress=false", body: bundle)),
        ]
    }
}
