import CairnCrypto
import CairnModel
import CairnWire

/// A delta exactly as its author signed it. The envelope bytes are kept verbatim: they are what
/// is stored and forwarded, and they are never re-encoded.
///
/// Receiving is three steps, in this order, so that nothing unauthenticated is ever opened:
/// `parse` (size, structure, canonical encoding, header) → `verify` (signature by the author) →
/// `open` (decrypt and parse the body).
///
/// The signature and the id cover the body only through its BLAKE2b-256 hash, so a RECORDS
/// delta has two envelopes with one id: the full one, and the *redacted* one (`redacted()`),
/// whose body is replaced by that hash. A site drops a withdrawn record's ciphertext by storing
/// the redacted form; the stream's hash chain and every signature stay verifiable.
public struct SealedDelta: Hashable, Sendable {
    /// Hard limit on an envelope, checked before parsing. A record is at most 1 MiB; a delta
    /// holds the operations of one record write plus sealing overhead.
    public static let maxEnvelopeBytes = 2 * 1024 * 1024
    /// Domain separation for delta signatures.
    static let signatureDomain: [UInt8] = Array("cairn/v1/delta".utf8) + [0]
    /// Domain separation for delta ids.
    static let idDomain: [UInt8] = Array("cairn/v1/delta-id".utf8) + [0]
    /// Length of a body hash (BLAKE2b-256).
    public static let bodyHashLength = 32

    /// The serialized `DeltaEnvelope`, verbatim.
    public let envelope: [UInt8]
    /// BLAKE2b-256 over header, body hash and signature (see `Proto/cairn/v1/delta.proto`):
    /// the same for the full and the redacted envelope.
    public let id: [UInt8]
    public let header: DeltaHeader
    /// The header's exact bytes (signed, and the AEAD associated data).
    public let headerBytes: [UInt8]
    /// The sealed body (RECORDS) or the plain grant bytes (GRANT); empty when redacted.
    public let body: [UInt8]
    /// BLAKE2b-256 of the body (carried in the envelope when the body was redacted).
    public let bodyHash: [UInt8]
    public let signature: [UInt8]

    /// True when the body was dropped: the delta verifies but cannot be opened.
    public var isRedacted: Bool { body.isEmpty }

    /// Parses an envelope received from a peer, a bundle or the store, full or redacted. Checks
    /// the size first, then the structure, the canonical encoding and the header. The signature
    /// is NOT checked here: call `verify(authorKey:)` before trusting anything.
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
        let header = try WireHeader.fromWire(headerWire)
        let body = Array(wire.body)
        let bodyHash: [UInt8]
        switch (body.isEmpty, wire.bodyHash.isEmpty) {
        case (false, true):
            bodyHash = BLAKE2b.hash(body)
        case (true, false):
            guard wire.bodyHash.count == bodyHashLength else {
                throw ProtocolError.malformed(
                    what: "delta envelope", detail: "body hash of \(wire.bodyHash.count) bytes")
            }
            guard header.kind == .records else {
                throw ProtocolError.malformed(what: "delta envelope", detail: "a grant cannot be redacted")
            }
            bodyHash = Array(wire.bodyHash)
        case (false, false):
            throw ProtocolError.malformed(what: "delta envelope", detail: "both a body and a body hash")
        case (true, true):
            throw ProtocolError.malformed(what: "delta envelope", detail: "neither a body nor a body hash")
        }
        let headerBytes = Array(wire.header)
        let signature = Array(wire.signature)
        return SealedDelta(
            envelope: envelope, id: deltaID(header: headerBytes, bodyHash: bodyHash, signature: signature),
            header: header, headerBytes: headerBytes, body: body, bodyHash: bodyHash, signature: signature)
    }

    /// Checks the author's signature over header and body hash (so a redacted delta verifies
    /// too). `authorKey` must be the key the header names (the caller has looked it up in a
    /// verified certificate).
    public func verify(authorKey: Ed25519.PublicKey) throws {
        guard authorKey.bytes == header.author.bytes else { throw ProtocolError.authorMismatch }
        guard authorKey.isValidSignature(signature, for: Self.signedMessage(header: headerBytes, bodyHash: bodyHash))
        else {
            throw ProtocolError.badSignature
        }
    }

    /// Decrypts and parses the operations of a verified RECORDS delta. A redacted delta has no
    /// body left to open (`ProtocolError.redacted`).
    public func open(key: XChaCha20Poly1305.Key) throws -> Change {
        guard header.kind == .records else { throw ProtocolError.epochMismatch("a grant has no operations") }
        guard !isRedacted else { throw ProtocolError.redacted }
        let plain: [UInt8]
        do {
            plain = try XChaCha20Poly1305.open(body, associatedData: headerBytes, key: key)
        } catch {
            throw ProtocolError.decryptionFailed
        }
        let wire = try WireDecoding.decode(
            Cairn_V1_DeltaBody.self, from: plain, what: "delta body", limit: Self.maxEnvelopeBytes)
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

    /// The same delta without its body: header, body hash and signature. Same id, still
    /// verifiable, never openable. Redacting a redacted delta returns it unchanged; a grant
    /// cannot be redacted (it carries no record, and its recipients need it).
    public func redacted() throws -> SealedDelta {
        guard !isRedacted else { return self }
        guard header.kind == .records else {
            throw ProtocolError.malformed(what: "delta envelope", detail: "a grant cannot be redacted")
        }
        var wire = Cairn_V1_DeltaEnvelope()
        wire.header = .init(headerBytes)
        wire.signature = .init(signature)
        wire.bodyHash = .init(bodyHash)
        return SealedDelta(
            envelope: WireDecoding.encode(wire), id: id, header: header, headerBytes: headerBytes, body: [],
            bodyHash: bodyHash, signature: signature)
    }

    static func signedMessage(header: [UInt8], bodyHash: [UInt8]) -> [UInt8] {
        var message = signatureDomain
        message.reserveCapacity(signatureDomain.count + 4 + header.count + bodyHash.count)
        message += bigEndian(UInt32(header.count))
        message += header
        message += bodyHash
        return message
    }

    static func deltaID(header: [UInt8], bodyHash: [UInt8], signature: [UInt8]) -> [UInt8] {
        let hasher = BLAKE2b.Hasher()
        hasher.update(idDomain)
        hasher.update(bigEndian(UInt32(header.count)))
        hasher.update(header)
        hasher.update(bodyHash)
        hasher.update(signature)
        return hasher.finalize()
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    init(
        envelope: [UInt8], id: [UInt8], header: DeltaHeader, headerBytes: [UInt8], body: [UInt8], bodyHash: [UInt8],
        signature: [UInt8]
    ) {
        self.envelope = envelope
        self.id = id
        self.header = header
        self.headerBytes = headerBytes
        self.body = body
        self.bodyHash = bodyHash
        self.signature = signature
    }
}
