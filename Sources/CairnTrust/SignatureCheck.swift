import CairnCrypto

/// Checks the signatures of a signed object against a list of agencies, over the raw body,
/// before anything parses the body.
enum SignatureCheck {
    /// The members among `agencies` whose signatures on `signed` verify. Signatures by names
    /// that are not members are not counted and are returned as `ignored` (a new member may
    /// co-sign the amendment that adds it). A member's signature that carries another key or
    /// does not verify is an error: it means tampering or a ceremony mistake, which an
    /// operator must see rather than have counted around.
    static func agencySignatures(on signed: SignedObject, by agencies: [AgencyInfo]) throws
        -> (valid: [AgencyName], ignored: [String])
    {
        let message = signed.kind.signingMessage(body: signed.body)
        var seen = Set<String>()
        var valid: [AgencyName] = []
        var ignored: [String] = []
        for signature in signed.signatures {
            guard seen.insert(signature.signer).inserted else {
                throw TrustError.duplicateSignature(signer: Display.clean(signature.signer))
            }
            guard let member = agencies.first(where: { $0.name.value == signature.signer }) else {
                ignored.append(Display.clean(signature.signer))
                continue
            }
            try verify(signature, by: member, message: message)
            valid.append(member.name)
        }
        return (valid, ignored)
    }

    /// Verifies one signature claimed by `agency`.
    static func verify(_ signature: SignedObject.Signature, by agency: AgencyInfo, message: [UInt8]) throws {
        guard signature.publicKey.count == Ed25519.publicKeyLength else {
            throw TrustError.invalidLength(
                what: "public key of \(agency.name)'s signature", expected: Ed25519.publicKeyLength,
                actual: signature.publicKey.count)
        }
        guard ConstantTime.equals(signature.publicKey, agency.rootKey.bytes) else {
            throw TrustError.signerKeyMismatch(agency: agency.name.value)
        }
        guard agency.rootKey.isValidSignature(signature.signature, for: message) else {
            throw TrustError.badSignature(signer: agency.name.value)
        }
    }

    /// Throws unless `signed` has a valid signature by at least `threshold` distinct members.
    static func requireThreshold(_ signed: SignedObject, agencies: [AgencyInfo], threshold: Int) throws {
        let result = try agencySignatures(on: signed, by: agencies)
        guard result.valid.count >= threshold else {
            throw TrustError.insufficientSignatures(have: result.valid.count, need: threshold, ignored: result.ignored)
        }
    }

    /// The kind check every verifier starts with.
    static func requireKind(_ signed: SignedObject, _ kind: ObjectKind) throws {
        guard signed.kind == kind else {
            throw TrustError.wrongKind(expected: kind.rawValue, found: signed.kind.rawValue)
        }
    }
}
