import CairnCrypto
import CairnModel
import CairnWire
import Foundation
import SwiftProtobuf

/// Builds envelopes by hand from the wire types, following the normative text of
/// `Proto/cairn/v1/delta.proto` rather than the module's own helpers. The tests use it to make
/// deltas the module would never write (bad headers, bodies that break model limits, foreign
/// signatures) and to check that what the spec describes is what the module accepts.
enum Forge {
    /// "cairn/v1/delta" || 0x00, as the spec spells it.
    static let signatureDomain: [UInt8] = Array("cairn/v1/delta".utf8) + [0x00]

    /// A valid RECORDS header of stream (alpha/hq, SECRET) at sequence 2.
    static func recordsHeader() -> Cairn_V1_DeltaHeader {
        var header = Cairn_V1_DeltaHeader()
        header.format = 1
        header.kind = .records
        header.author = Data(Fixture.alpha.deviceID.bytes)
        header.level = Fixture.level
        header.sequence = 2
        header.previous = Data(Fixture.previous)
        header.hlcWall = Fixture.hlc.wallMillis
        header.hlcCounter = Fixture.hlc.counter
        var epoch = Cairn_V1_EpochRef()
        epoch.number = Fixture.epoch.number
        epoch.keyID = Data(Fixture.epoch.keyID)
        header.epoch = epoch
        return header
    }

    /// A valid GRANT header of stream (alpha/hq, SECRET) at sequence 1.
    static func grantHeader(level: String = Fixture.level) -> Cairn_V1_DeltaHeader {
        var header = Cairn_V1_DeltaHeader()
        header.format = 1
        header.kind = .grant
        header.author = Data(Fixture.alpha.deviceID.bytes)
        header.level = level
        header.sequence = 1
        header.hlcWall = Fixture.hlc.wallMillis
        header.hlcCounter = Fixture.hlc.counter
        return header
    }

    /// A one-operation body.
    static func body(_ operations: [Cairn_V1_Operation]? = nil) -> Cairn_V1_DeltaBody {
        var body = Cairn_V1_DeltaBody()
        if let operations {
            body.operations = operations
        } else {
            var value = Cairn_V1_Value()
            value.stringValue = "forged"
            body.operations = [setField(record: "r1", name: "title", value: value)]
        }
        return body
    }

    static func setField(record: String, name: String, value: Cairn_V1_Value?) -> Cairn_V1_Operation {
        var op = Cairn_V1_SetField()
        op.name = name
        if let value { op.value = value }
        var operation = Cairn_V1_Operation()
        operation.recordID = record
        operation.setField = op
        return operation
    }

    static func encode(_ message: some Message) -> [UInt8] {
        try! message.serializedBytes()
    }

    /// The author's signature over header and the body's BLAKE2b-256, as the spec defines it.
    static func sign(header: [UInt8], body: [UInt8], with key: Ed25519.PrivateKey) -> [UInt8] {
        let length = UInt32(header.count)
        let lengthBytes: [UInt8] = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) }
        return key.signature(for: signatureDomain + lengthBytes + header + BLAKE2b.hash(body))
    }

    /// The delta id as the spec defines it: BLAKE2b-256 of "cairn/v1/delta-id" || 0x00 ||
    /// u32be(len(header)) || header || BLAKE2b-256(body) || signature.
    static func deltaID(header: [UInt8], bodyHash: [UInt8], signature: [UInt8]) -> [UInt8] {
        let length = UInt32(header.count)
        let lengthBytes: [UInt8] = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) }
        return BLAKE2b.hash(Array("cairn/v1/delta-id".utf8) + [0x00] + lengthBytes + header + bodyHash + signature)
    }

    /// A redacted envelope: fields 1 (header), 3 (signature) and 4 (body hash), in order.
    static func redactedEnvelope(header: [UInt8], bodyHash: [UInt8], signature: [UInt8]) -> [UInt8] {
        Proto.field(1, header) + Proto.field(3, signature) + Proto.field(4, bodyHash)
    }

    /// The canonical envelope: fields 1, 2, 3 in order, minimal lengths, empty fields omitted.
    static func envelope(header: [UInt8], body: [UInt8], signature: [UInt8]) -> [UInt8] {
        Proto.field(1, header) + Proto.field(2, body) + Proto.field(3, signature)
    }

    /// A RECORDS delta: `body` sealed under `key` with `associatedData` (the header bytes unless
    /// told otherwise), signed by `signer`.
    static func records(
        header: Cairn_V1_DeltaHeader = recordsHeader(), body: Cairn_V1_DeltaBody = body(),
        key: XChaCha20Poly1305.Key = Fixture.key, associatedData: [UInt8]? = nil,
        signer: Ed25519.PrivateKey = Fixture.alpha.signing
    ) -> [UInt8] {
        records(headerBytes: encode(header), plaintext: encode(body), key: key, associatedData: associatedData, signer: signer)
    }

    /// A RECORDS delta from raw header bytes and a raw plaintext body.
    static func records(
        headerBytes: [UInt8], plaintext: [UInt8], key: XChaCha20Poly1305.Key = Fixture.key,
        associatedData: [UInt8]? = nil, signer: Ed25519.PrivateKey = Fixture.alpha.signing
    ) -> [UInt8] {
        let sealed = XChaCha20Poly1305.seal(plaintext, associatedData: associatedData ?? headerBytes, key: key)
        return signed(headerBytes: headerBytes, body: sealed, signer: signer)
    }

    /// An envelope of `headerBytes` and `body` (used verbatim), signed by `signer`.
    static func signed(headerBytes: [UInt8], body: [UInt8], signer: Ed25519.PrivateKey = Fixture.alpha.signing) -> [UInt8] {
        envelope(header: headerBytes, body: body, signature: sign(header: headerBytes, body: body, with: signer))
    }
}

/// Raw protobuf encoding, to write envelopes SwiftProtobuf would never produce.
enum Proto {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }

    /// A length-delimited field; omitted when empty, as proto3 writes it.
    static func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        bytes.isEmpty ? [] : explicitField(number, bytes)
    }

    /// A length-delimited field, written even when empty.
    static func explicitField(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }

    /// A length-delimited field whose length varint carries one redundant continuation byte.
    static func overlongField(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        var length = varint(UInt64(bytes.count))
        length[length.count - 1] |= 0x80
        length.append(0x00)
        return varint(number << 3 | 2) + length + bytes
    }
}
