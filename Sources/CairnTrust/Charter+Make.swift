import CairnCrypto
import CairnModel

extension Charter {
    /// The default levels, lowest first.
    public static let standardLevels = LevelLattice.standard.names

    /// Builds an unsigned charter (genesis or amendment), checking every structural rule: the
    /// result is what the first co-signer signs. For an amendment, pass the current charter's
    /// `federationID` and `version + 1`.
    ///
    /// - Parameters:
    ///   - federationID: 16 bytes; `nil` draws a random id (a new federation).
    ///   - levels: level names, lowest first.
    ///   - agencies: the members; names and keys unique, ceilings among `levels`.
    ///   - threshold: signatures needed for the next amendment (and for a genesis).
    ///   - issuedAt: Unix seconds.
    ///   - downgrade: who may lower a record's classification; the default is left out of the
    ///     body, so charters made before the rule existed keep their bytes.
    public static func make(
        federationName: String, federationID: [UInt8]? = nil, version: UInt64 = 1,
        levels: [String] = standardLevels, agencies: [AgencyInfo], threshold: Int, issuedAt: Int64,
        downgrade: DowngradeRule = .originatingAgency
    ) throws -> UnsignedCharter {
        guard (1...Int(UInt32.max)).contains(threshold) else {
            throw TrustError.thresholdOutOfRange(threshold: threshold, agencies: agencies.count)
        }
        let fields = CharterFields(
            federationID: federationID ?? SecureRandom.bytes(CharterContent.federationIDLength),
            federationName: federationName, version: version, levels: levels,
            agencies: agencies.map { AgencyFields(name: $0.name.value, rootKey: $0.rootKey.bytes, ceiling: $0.ceiling) },
            threshold: UInt32(threshold), issuedAt: issuedAt, downgrade: downgrade.rawValue)
        let content = try CharterContent(fields)
        return CharterDraft(content: content, signed: SignedObject(kind: .charter, body: fields.encoded()))
    }

    /// `make` with agencies given as plain strings (as typed on a command line); names are
    /// validated like every other field.
    public static func make(
        federationName: String, federationID: [UInt8]? = nil, version: UInt64 = 1,
        levels: [String] = standardLevels,
        agencies: [(name: String, rootKey: Ed25519.PublicKey, ceiling: String)], threshold: Int, issuedAt: Int64,
        downgrade: DowngradeRule = .originatingAgency
    ) throws -> UnsignedCharter {
        try make(
            federationName: federationName, federationID: federationID, version: version, levels: levels,
            agencies: agencies.map { AgencyInfo(name: try AgencyName($0.name), rootKey: $0.rootKey, ceiling: $0.ceiling) },
            threshold: threshold, issuedAt: issuedAt, downgrade: downgrade)
    }
}
