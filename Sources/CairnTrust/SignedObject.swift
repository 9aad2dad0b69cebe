import CairnCrypto

/// A trust object as it travels and is stored: the verbatim body bytes of one kind, plus the
/// signatures over them (the Swift form of `cairn.v1.Signed`).
///
/// A `SignedObject` proves nothing by itself: it is what `Charter`, `DeviceCertificate`,
/// `CertificationRequest` and `Revocation` verify. The body is kept exactly as signed and never
/// re-encoded, so signatures stay checkable wherever the object is forwarded.
public struct SignedObject: Hashable, Sendable {
    /// One signature as carried; nothing about it is trusted until a verifier checks it.
    public struct Signature: Hashable, Sendable {
        /// An agency name, or `agency/device` for a certification request.
        public let signer: String
        /// The signer's Ed25519 public key as carried (32 bytes when well formed).
        public let publicKey: [UInt8]
        /// The Ed25519 signature over `kind || 0x00 || body` (64 bytes when well formed).
        public let signature: [UInt8]

        init(signer: String, publicKey: [UInt8], signature: [UInt8]) {
            self.signer = signer
            self.publicKey = publicKey
            self.signature = signature
        }
    }

    /// Which body this is; also the signature domain.
    public let kind: ObjectKind
    /// The body bytes exactly as signed.
    public let body: [UInt8]
    /// The signatures, in the order they were added.
    public let signatures: [Signature]

    init(kind: ObjectKind, body: [UInt8], signatures: [Signature] = []) {
        self.kind = kind
        self.body = body
        self.signatures = signatures
    }

    /// A copy with one more signature by `signer` with `key`; refuses a second signature by the
    /// same signer name or the same key.
    func adding(signer: String, key: Ed25519.PrivateKey) throws -> SignedObject {
        for existing in signatures where existing.signer == signer || existing.publicKey == key.publicKey.bytes {
            throw TrustError.duplicateSignature(signer: Display.clean(signer))
        }
        let signature = Signature(
            signer: signer, publicKey: key.publicKey.bytes,
            signature: key.signature(for: kind.signingMessage(body: body)))
        return SignedObject(kind: kind, body: body, signatures: signatures + [signature])
    }

    /// A copy signed by an agency root as well: how charters are co-signed and certificates
    /// and revocations issued. Throws `duplicateSignature` if that agency already signed.
    public func sign(with key: AgencyRootKey) throws -> SignedObject {
        try adding(signer: key.name.value, key: key.privateKey)
    }
}
