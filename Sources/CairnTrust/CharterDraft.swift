import CairnCrypto
import CairnModel

/// A charter whose body is well formed but whose signatures have not been verified: what
/// `cairn charter create` makes, what co-signers inspect before `cairn charter sign`, and what
/// `cairn charter show` displays. It grants nothing; only `Charter` (verified) does.
public struct CharterDraft: Hashable, Sendable {
    let content: CharterContent
    /// The object as it stands, with the signatures collected so far.
    public let signed: SignedObject

    init(content: CharterContent, signed: SignedObject) {
        self.content = content
        self.signed = signed
    }

    /// Checks the kind and the body's structure of `signed`, without checking any signature.
    public static func inspect(_ signed: SignedObject) throws -> CharterDraft {
        try SignatureCheck.requireKind(signed, .charter)
        return CharterDraft(content: try CharterContent(CharterFields.decode(signed.body)), signed: signed)
    }

    /// A copy with `key`'s signature added (see `SignedObject.sign(with:)`).
    public func sign(with key: AgencyRootKey) throws -> CharterDraft {
        CharterDraft(content: content, signed: try signed.sign(with: key))
    }

    /// 16 bytes naming the federation.
    public var federationID: [UInt8] { content.federationID }
    /// The federation's human name.
    public var federationName: String { content.federationName }
    /// The charter version (1 for a genesis).
    public var version: UInt64 { content.version }
    /// The classification levels, lowest first.
    public var levels: LevelLattice { content.levels }
    /// The member agencies.
    public var agencies: [AgencyInfo] { content.agencies }
    /// Signatures needed for the next amendment (and for a genesis).
    public var threshold: Int { content.threshold }
    /// Unix seconds when this version was issued.
    public var issuedAt: Int64 { content.issuedAt }
    /// Who may lower a record's classification.
    public var downgrade: DowngradeRule { content.downgrade }
    /// BLAKE2b-256 of the body bytes, for comparing copies by voice or on paper.
    public var fingerprint: [UInt8] { BLAKE2b.hash(signed.body) }
    /// `fingerprint` in lowercase hex.
    public var fingerprintHex: String { Hex.encode(fingerprint) }
}

/// The name callers of `Charter.make` know the draft by.
public typealias UnsignedCharter = CharterDraft
