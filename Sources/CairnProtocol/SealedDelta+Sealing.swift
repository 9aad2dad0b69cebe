import CairnCrypto
import CairnModel
import CairnWire
import Foundation

extension SealedDelta {
    /// Seals a local change: encrypts its operations under the level's epoch key with the header
    /// as associated data, and signs the header and the ciphertext's hash with the author's key.
    public static func seal(
        change: Change, sequence: UInt64, previous: [UInt8], epoch: EpochRef,
        key: XChaCha20Poly1305.Key, signer: Ed25519.PrivateKey
    ) throws -> SealedDelta {
        try change.validate()
        let header = DeltaHeader(
            kind: .records, author: change.author, level: change.level, sequence: sequence,
            previous: previous, hlc: change.hlc, epoch: epoch)
        var body = Cairn_V1_DeltaBody()
        body.operations = change.operations.map(WireOperation.toWire)
        let headerBytes = WireDecoding.encode(WireHeader.toWire(header))
        let sealed = XChaCha20Poly1305.seal(WireDecoding.encode(body), associatedData: headerBytes, key: key)
        return try assemble(header: header, headerBytes: headerBytes, body: sealed, signer: signer)
    }

    static func assemble(
        header: DeltaHeader, headerBytes: [UInt8], body: [UInt8], signer: Ed25519.PrivateKey
    ) throws -> SealedDelta {
        guard signer.publicKey.bytes == header.author.bytes else { throw ProtocolError.authorMismatch }
        guard !body.isEmpty else { throw ProtocolError.malformed(what: "delta envelope", detail: "an empty body") }
        // Refuse to sign a header that no receiver (this device included) would accept.
        let written = try WireDecoding.decode(Cairn_V1_DeltaHeader.self, from: headerBytes, what: "delta header", limit: 4096)
        guard try WireHeader.fromWire(written) == header else {
            throw ProtocolError.malformed(what: "delta header", detail: "the header does not round-trip")
        }
        do {
            try LevelLattice.validateName(header.level)
        } catch {
            throw ProtocolError.malformed(what: "delta header", detail: "\(error)")
        }
        var wire = Cairn_V1_DeltaEnvelope()
        wire.header = Data(headerBytes)
        wire.body = Data(body)
        let bodyHash = BLAKE2b.hash(body)
        let signature = signer.signature(for: signedMessage(header: headerBytes, bodyHash: bodyHash))
        wire.signature = Data(signature)
        let envelope = WireDecoding.encode(wire)
        guard envelope.count <= maxEnvelopeBytes else {
            throw ProtocolError.tooLarge(what: "delta envelope", size: envelope.count, limit: maxEnvelopeBytes)
        }
        return SealedDelta(
            envelope: envelope, id: deltaID(header: headerBytes, bodyHash: bodyHash, signature: signature), header: header,
            headerBytes: headerBytes, body: body, bodyHash: bodyHash, signature: signature)
    }
}
