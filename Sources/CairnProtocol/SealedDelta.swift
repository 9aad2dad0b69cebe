import CairnCrypto
import CairnModel
import CairnWire

/// A delta exactly as its author signed it. The envelope bytes are kept verbatim: they are what
/// is stored, forwarded and hashed into the delta id, and they are never re-encoded.
///
/// Receiving is three steps, in this order, so that nothing unauthenticated is ever opened:
/// `parse` (size, structure, canonical encoding, header) → `verify` (signature by the author) →
/// `open` (decrypt and parse the body).
public struct SealedDelta: Hashable, Sendable {
    /// Hard limit on an envelope, checked before parsing. A record is at most 1 MiB; a delta
    /// holds the operations of one record write plus sealing overhead.
    public static let maxEnvelopeBytes = 2 * 1024 * 1024
    /// Domain separation for delta signatures.
    static let signatureDomain: [UInt8] = Array("cairn/v1/delta".utf8) + [0]

    /// The serialized `DeltaEnvelope`, verbatim.
    public let envelope: [UInt8]
    /// BLAKE2b-256 of `envelope`.
    public let id: [UInt8]
    public let header: DeltaHeader
    /// The header's exact bytes (signed, and the AEAD associated data).
    public let headerBytes: [UInt8]
    /// The sealed body (RECORDS) or the plain grant bytes (GRANT).
    public let body: [UInt8]
    public let signature: [UInt8]

    /// Parses an envelope received from a peer, a bundle or the store. Checks the size first,
    /// then the structure, the canonical encoding and the header. The signature is NOT checked
    /// here: call `verify(authorKey:)` before trusting anything.
    public static func parse(_ envelope: [UInt8]) throws -> SealedDelta {
        let wire = try WireDecoding.decode(
            Cairn_V1_DeltaEnvelope.self, from: envelope, what: "delta envelope", limit: maxEnvelopeBytes)
        guard wire.unknownFields.data.isEmpty, WireDecoding.encode(wire) == envelope else {
            throw ProtocolError.nonCanonical
        }
        let headerWire = try WireDecoding.decode(
            Cairn_V1_DeltaHeader.self, from: Array(wire.header), what: "delta header", limit: 4096)
        guard headerWire.unknownFields.data.isEmpty else {
            throw ProtocolError.malformed(what: "delta header", detail: "unknown fields")
        }
        guard wire.signature.count == Ed25519.signatureLength else {
            throw ProtocolError.malformed(what: "delta envelope", detail: "signature of \(wire.signature.count) bytes")
        }
        return SealedDelta(
            envelope: envelope, id: BLAKE2b.hash(envelope), header: try WireHeader.fromWire(headerWire),
            headerBytes: Array(wire.header), body: Array(wire.body), signature: Array(wire.signature))
    }

    /// Checks the author's signature over header and body. `authorKey` must be the key the
    /// header names (the caller has looked it up in a verified certificate).
    public func verify(authorKey: Ed25519.PublicKey) throws {
        guard authorKey.bytes == header.author.bytes else { throw ProtocolError.authorMismatch }
        guard authorKey.isValidSignature(signature, for: Self.signedMessage(header: headerBytes, body: body)) else {
            throw ProtocolError.badSignature
        }
    }

    /// Decrypts and parses the operations of a verified RECORDS delta.
    public func open(key: XChaCha20Poly1305.Key) throws -> Change {
        guard header.kind == .records else { throw ProtocolError.epochMismatch("a grant has no operations") }
        let plain: [UInt8]
        do {
            plain = try XChaCha20Poly1305.open(body, associatedData: headerBytes, key: key)
        } catch {
            throw ProtocolError.decryptionFailed
        }
        let wire = try WireDecoding.decode(Cairn_V1_DeltaBody.self, from: plain, what: "delta body", limit: Self.maxEnvelopeBytes)
        let change = Change(
            author: header.author, level: header.level, hlc: header.hlc,
            operations: try wire.operations.map(WireOperation.fromWire))
        do {
            try change.validate()
        } catch {
            throw ProtocolError.invalidBody("\(error)")
        }
        return change
    }

    static func signedMessage(header: [UInt8], body: [UInt8]) -> [UInt8] {
        let length = UInt32(header.count)
        var message = signatureDomain
        message.reserveCapacity(signatureDomain.count + 4 + header.count + body.count)
        message += [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)]
        message += header
        message += body
        return message
    }

    init(envelope: [UInt8], id: [UInt8], header: DeltaHeader, headerBytes: [UInt8], body: [UInt8], signature: [UInt8]) {
        self.envelope = envelope
        self.id = id
        self.header = header
        self.headerBytes = headerBytes
        self.body = body
        self.signature = signature
    }
}
