import CairnModel
import CairnCrypto

extension Charter {
    /// Verifies a genesis charter (version 1): at least `threshold` of its own agencies signed
    /// it, each with the root key the charter lists for it.
    ///
    /// A genesis is the one object whose body is parsed before its signatures are checked,
    /// because the keys are inside it; what makes it trustworthy is that operators pin its
    /// fingerprint, so pass `expectedFingerprint` whenever configuration has one.
    public static func verifyGenesis(_ signed: SignedObject, expectedFingerprint: [UInt8]? = nil) throws -> Charter {
        try SignatureCheck.requireKind(signed, .charter)
        if let expectedFingerprint {
            let found = BLAKE2b.hash(signed.body)
            guard ConstantTime.equals(found, expectedFingerprint) else {
                throw TrustError.fingerprintMismatch(expected: Hex.encode(expectedFingerprint), found: Hex.encode(found))
            }
        }
        let content = try CharterContent(CharterFields.decode(signed.body))
        guard content.version == 1 else { throw TrustError.notGenesis(version: content.version) }
        try SignatureCheck.requireThreshold(signed, agencies: content.agencies, threshold: content.threshold)
        return Charter(content: content, signed: signed)
    }

    /// Verifies the amendment that follows this charter: at least `self.threshold` distinct
    /// agencies of *this* version signed it (checked over the raw bytes before the body is
    /// parsed), it belongs to the same federation, and its version is exactly one more.
    /// Signatures by agencies that the amendment itself adds do not count.
    public func verifySuccessor(_ signed: SignedObject) throws -> Charter {
        try SignatureCheck.requireKind(signed, .charter)
        try SignatureCheck.requireThreshold(signed, agencies: agencies, threshold: threshold)
        let content = try CharterContent(CharterFields.decode(signed.body))
        try requireFederation(content.federationID)
        guard content.version > version else { throw TrustError.rollback(offered: content.version, held: version) }
        guard content.version == version + 1 else {
            throw TrustError.versionGap(current: version, offered: content.version)
        }
        return Charter(content: content, signed: signed)
    }

    /// Verifies a whole history: the genesis, then each amendment in order. Returns the last.
    public static func verifyChain(_ chain: [SignedObject], expectedGenesisFingerprint: [UInt8]? = nil) throws
        -> Charter
    {
        guard let first = chain.first else { throw TrustError.emptyChain }
        var charter = try verifyGenesis(first, expectedFingerprint: expectedGenesisFingerprint)
        for amendment in chain.dropFirst() {
            charter = try charter.verifySuccessor(amendment)
        }
        return charter
    }

    /// What a daemon does with a charter it is given (from its configuration or a peer), given
    /// the charter it already holds:
    ///
    /// - nothing held: `offered` must be a valid genesis (matching `expectedGenesisFingerprint`
    ///   when configured);
    /// - the same body as held: the held charter is kept (extra signatures change nothing);
    /// - the next version: it must be a valid successor of the held one;
    /// - an older version: `rollback`; another body with the held version: `conflictingCharter`;
    ///   a later version: `versionGap`.
    ///
    /// Amendments are applied one at a time, in order: a daemon several versions behind is
    /// given each intermediate version (or `verifyChain` is used on the whole history), so that
    /// every step is checked against the signers of the step before it.
    public static func accept(
        offered: SignedObject, held: Charter?, expectedGenesisFingerprint: [UInt8]? = nil
    ) throws -> Charter {
        guard let held else { return try verifyGenesis(offered, expectedFingerprint: expectedGenesisFingerprint) }
        try SignatureCheck.requireKind(offered, .charter)
        if offered.body == held.signed.body { return held }
        do {
            return try held.verifySuccessor(offered)
        } catch TrustError.rollback(let version, let heldVersion) where version == heldVersion {
            throw TrustError.conflictingCharter(version: version)
        }
    }
}
