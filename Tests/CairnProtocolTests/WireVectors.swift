import CairnCrypto
import CairnModel
import CairnTestSupport
import CairnTrust
import Foundation

@testable import CairnProtocol

/// The committed known-answer deltas in `Keys/vectors/wire/`. They pin the wire format: a change
/// to the header, body, envelope, signature or grant encoding that would make old deltas
/// unreadable fails `WireVectorTests`. XChaCha20 nonces and sealed boxes are random, so the
/// files hold the bytes one run produced; everything else about them is derived from the fixed
/// inputs below. Rewrite them only on purpose, with
/// `CAIRN_REGENERATE_WIRE_VECTORS=1 swift test --filter WireVectorGeneratorTests`.
enum WireVectors {
    static let deltaFile = "delta-v1.json"
    static let grantFile = "grant-v1.json"

    /// `Keys/vectors/wire/` of this source tree: this file is
    /// <root>/Tests/CairnProtocolTests/WireVectors.swift.
    static var directory: String {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)
        return components.joined(separator: "/") + "/Keys/vectors/wire"
    }

    // MARK: Fixed inputs

    static let authorRef = "alpha/hq"
    static let recipientRef = "bravo/hq"
    static let hlc = HLCTimestamp(wallMillis: 1_798_761_600_000, counter: 3)
    static let previous = BLAKE2b.hash(Array("cairn-wire-vector-delta-v1-previous".utf8))

    static func epochKey(_ label: String) -> [UInt8] {
        BLAKE2b.hash(Array("cairn-wire-vector-\(label)-epoch-key".utf8))
    }

    static func keyID(_ label: String) -> [UInt8] {
        BLAKE2b.hash(Array("cairn-wire-vector-\(label)-key-id".utf8), outputLength: EpochRef.keyIDLength)
    }

    /// The change inside the delta vector: every operation and value kind, two records, and
    /// observed contexts naming two other devices.
    static func change(author: DeviceID) -> Change {
        let record = try! RecordID("wire-vector-1")
        let other = try! RecordID("Wire_Vector.2")
        let bravo = try! DeviceID([UInt8](repeating: 0xB0, count: 32))
        let charlie = try! DeviceID([UInt8](repeating: 0xC0, count: 32))
        let observed = CausalContext([
            bravo: HLCTimestamp(wallMillis: 1_798_761_000_000, counter: 0),
            charlie: HLCTimestamp(wallMillis: 1_798_761_500_000, counter: 9),
        ])
        return Change(
            author: author, level: "SECRET", hlc: hlc,
            operations: [
                .setType(record: record, type: "field-report"),
                .setField(record: record, name: "title", value: .string("Ponts fermés ✓"), observed: CausalContext()),
                .setField(record: record, name: "count", value: .int(-42), observed: observed),
                .setField(record: record, name: "big", value: .int(.max), observed: CausalContext()),
                .setField(record: record, name: "ratio", value: .double(0.1), observed: CausalContext()),
                .setField(record: record, name: "flag", value: .bool(false), observed: CausalContext()),
                .setField(record: record, name: "empty", value: .null, observed: CausalContext()),
                .setField(record: record, name: "gone", value: nil, observed: observed),
                .setField(
                    record: record, name: "nested",
                    value: .object([
                        "list": .array([.int(1), .array([]), .object([:]), .string("")]),
                        "b": .bool(true),
                        "a": .double(-1.5e-7),
                    ]),
                    observed: CausalContext()),
                .addTag(record: record, tag: "priority:high"),
                .removeTag(record: record, tag: "draft", observed: observed),
                .delete(record: other),
            ])
    }

    // MARK: File shapes (field names are the JSON keys)

    /// A RECORDS delta and everything needed to open it.
    struct Delta: Codable, Equatable {
        var comment: String
        var author: String
        var authorKey: String
        var level: String
        var sequence: UInt64
        var previous: String
        var hlcWall: UInt64
        var hlcCounter: UInt32
        var epochNumber: UInt32
        var epochKeyID: String
        var epochKey: String
        /// The exact header bytes (also inside the envelope).
        var header: String
        /// The decrypted `DeltaBody`.
        var plaintextBody: String
        var envelope: String
        var id: String
    }

    /// A GRANT delta and the key it carries.
    struct Grant: Codable, Equatable {
        var comment: String
        var author: String
        var authorKey: String
        var recipient: String
        var recipientKey: String
        var recipientWrappingKey: String
        var level: String
        var sequence: UInt64
        var hlcWall: UInt64
        var hlcCounter: UInt32
        var epochNumber: UInt32
        var epochKeyID: String
        /// The epoch key the recipient must recover.
        var epochKey: String
        var envelope: String
        var id: String
    }

    // MARK: Generation

    static func makeDelta() throws -> Delta {
        let author = TestKeys.device(authorRef)
        let change = change(author: author.deviceID)
        let epoch = try EpochRef(number: 7, keyID: keyID("delta-v1"))
        let key = try XChaCha20Poly1305.Key(SecureBytes(copying: epochKey("delta-v1")))
        let sealed = try SealedDelta.seal(
            change: change, sequence: 2, previous: previous, epoch: epoch, key: key, signer: author.signing)
        let plaintext = try XChaCha20Poly1305.open(sealed.body, associatedData: sealed.headerBytes, key: key)
        return Delta(
            comment: "A RECORDS delta of format 1 by \(authorRef) (Keys/test), sealed under epochKey; "
                + "see Tests/CairnProtocolTests/WireVectors.swift for the change it carries.",
            author: authorRef, authorKey: hex(author.signing.publicKey.bytes), level: change.level,
            sequence: 2, previous: hex(previous), hlcWall: hlc.wallMillis, hlcCounter: hlc.counter,
            epochNumber: epoch.number, epochKeyID: hex(epoch.keyID), epochKey: hex(key.secret.copyBytes()),
            header: hex(sealed.headerBytes), plaintextBody: hex(plaintext), envelope: hex(sealed.envelope),
            id: hex(sealed.id))
    }

    static func makeGrant() throws -> Grant {
        let author = TestKeys.device(authorRef)
        let recipient = TestKeys.device(recipientRef)
        let epoch = try EpochRef(number: 2, keyID: keyID("grant-v1"))
        let key = try XChaCha20Poly1305.Key(SecureBytes(copying: epochKey("grant-v1")))
        let grant = EpochGrant.make(
            level: "CONFIDENTIAL", epoch: epoch, key: key, recipient: recipient.deviceID,
            recipientWrappingKey: recipient.wrapping.publicKey)
        let delta = try grant.delta(author: author.deviceID, sequence: 1, previous: [], hlc: hlc, signer: author.signing)
        return Grant(
            comment: "A GRANT delta of format 1: \(authorRef) gives \(recipientRef) (Keys/test) epochKey of CONFIDENTIAL.",
            author: authorRef, authorKey: hex(author.signing.publicKey.bytes), recipient: recipientRef,
            recipientKey: hex(recipient.deviceID.bytes), recipientWrappingKey: hex(recipient.wrapping.publicKey.bytes),
            level: "CONFIDENTIAL", sequence: 1, hlcWall: hlc.wallMillis, hlcCounter: hlc.counter,
            epochNumber: epoch.number, epochKeyID: hex(epoch.keyID), epochKey: hex(key.secret.copyBytes()),
            envelope: hex(delta.envelope), id: hex(delta.id))
    }

    // MARK: Files

    static func load<T: Decodable>(_ file: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + file)))
    }

    static func write(_ value: some Encodable, to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: directory + "/" + file), options: .atomic)
    }
}
