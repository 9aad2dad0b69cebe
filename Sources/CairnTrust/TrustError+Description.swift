extension TrustError: CustomStringConvertible {
    /// A sentence for a person: what happened, and what to do about it.
    public var description: String {
        switch self {
        case .malformedArmor(let reason):
            return "The file is not a valid Cairn armored file (\(reason)); check that it was copied whole and unmodified."
        case .tooLarge(let what, let size, let limit):
            return "The \(what) is \(size) bytes, over the limit of \(limit); check that you gave the right file."
        case .malformedObject(let what, let reason):
            return "The \(what) could not be decoded (\(reason)); the file is damaged or was made by an incompatible Cairn version."
        case .malformedKeyFile(let reason):
            return "The key file is not valid (\(reason)); restore it from your backup."
        case .wrongKind(let expected, let found):
            return "Expected a \(expected) but found a \(found); check that you gave the right file."
        case .fileError(let path, let operation, let reason):
            return "Could not \(operation) \(path): \(reason); check the path and its permissions."
        case .fileExists(let path):
            return "\(path) already exists and is never overwritten; choose another path or move the old file away first."
        case .keyFilePermissions(let path, let mode):
            return "The key file \(path) has mode \(String(mode, radix: 8)) and can be read by other users; run `chmod 600 \(path)` and consider the key compromised if others could read it."
        case .passphraseRequired:
            return "The key file is sealed with a passphrase; provide the passphrase to open it."
        case .wrongPassphrase:
            return "The key file did not open: the passphrase is wrong or the file was altered; retry with the right passphrase or restore the file from backup."
        case .keyDerivationFailed:
            return "The passphrase key could not be derived (not enough memory for the file's Argon2id cost?); retry on a machine with more memory."
        case .invalidLength(let what, let expected, let actual):
            return "The \(what) must be \(expected) bytes, but is \(actual); the object is malformed, so obtain a correct copy."
        case .badSignature(let signer):
            return "The signature by \(signer) does not verify: the object was altered after signing or signed as another kind of object; obtain an unaltered copy."
        case .unknownSigner(let signer):
            return "The object is signed by \(signer), which is not an agency of the charter; only a member agency's root may sign it."
        case .signerKeyMismatch(let agency):
            return "A signature for \(agency) uses a key that is not \(agency)'s root key in the charter; sign with \(agency)'s charter root key."
        case .duplicateSignature(let signer):
            return "\(signer) signed this object more than once; each signer counts once, so remove the extra signature."
        case .insufficientSignatures(let have, let need, let ignored):
            let note = ignored.isEmpty
                ? "" : " (not counted, as they are not members of the governing charter: \(ignored.joined(separator: ", ")))"
            let agencies = have == 1 ? "1 member agency" : "\(have) member agencies"
            return "The object has valid signatures by \(agencies) but needs \(need)\(note); collect more signatures from member agencies."
        case .unexpectedSignatureCount(let expected, let found):
            return "The object must carry exactly \(expected) signature(s) but carries \(found); obtain a correctly issued copy."
        case .signerMismatch(let signer, let expected):
            return "The object is signed as \(signer) but describes \(expected); create it again with the device's own keys."
        case .thresholdOutOfRange(let threshold, let agencies):
            return "The threshold \(threshold) must be between 1 and the number of agencies (\(agencies)); choose a threshold in that range."
        case .noLevels:
            return "The charter declares no classification level; list at least one, lowest first."
        case .invalidLevelName(let name):
            return "'\(name)' is not a valid level name; use 1 to 32 characters among A-Z, 0-9 and _."
        case .duplicateLevel(let name):
            return "The level \(name) is listed twice; list each level once, lowest first."
        case .duplicateAgency(let name):
            return "The agency \(name) is listed twice; list each agency once."
        case .duplicateAgencyKey(let first, let second):
            return "The agencies \(first) and \(second) share one root key; give every agency its own root key."
        case .invalidAgencyName(let name):
            return "'\(name)' is not a valid agency name; use 1 to 32 characters among a-z, 0-9 and -, starting with a letter or digit."
        case .invalidDeviceName(let name):
            return "'\(name)' is not a valid device name; use 1 to 32 characters among a-z, 0-9 and -, starting with a letter or digit."
        case .invalidDeviceRef(let text):
            return "'\(text)' is not a valid device reference; write it as agency/device, for example alpha/hq."
        case .invalidFederationName(let name):
            return "'\(name)' is not a valid federation name; use 1 to 64 bytes of text without control characters."
        case .ceilingNotALevel(let agency, let ceiling):
            return "The ceiling \(ceiling) of agency \(agency) is not one of the charter's levels; use a declared level."
        case .invalidVersion:
            return "A charter version must be at least 1."
        case .notGenesis(let version):
            return "The charter has version \(version), but a federation starts from version 1; give the genesis charter, then each amendment in order."
        case .fingerprintMismatch(let expected, let found):
            return "The genesis charter has fingerprint \(found), not the configured \(expected); you may have been given another federation's charter, so check with your federation's administrators."
        case .emptyChain:
            return "No charter was given; give at least the genesis charter."
        case .federationMismatch(let expected, let found):
            return "The object belongs to federation \(found), not to this federation (\(expected)); it cannot be used here."
        case .rollback(let offered, let held):
            return "Charter version \(offered) is not newer than the version \(held) already held; old charters are refused so that removed agencies and keys cannot come back."
        case .versionGap(let current, let offered):
            return "Charter version \(offered) cannot follow version \(current) directly; apply each amendment in order, starting with version \(current + 1)."
        case .conflictingCharter(let version):
            return "A validly signed charter version \(version) differs from the version \(version) held: the federation's charter has forked; stop and report this to the federation's administrators."
        case .agencyNotInCharter(let name):
            return "The agency \(name) is not a member of the charter; amend the charter to add it first."
        case .unknownLevel(let name):
            return "The level \(name) is not declared by the charter; use one of its levels."
        case .clearanceAboveCeiling(let clearance, let ceiling, let agency):
            return "The clearance \(clearance) is above \(agency)'s ceiling \(ceiling); choose a clearance at or below \(ceiling)."
        case .certificateExpired(let notAfter, let now):
            return "The certificate expired at \(notAfter) (now \(now), Unix seconds); have the agency issue a new certificate."
        case .certificateNotYetValid(let notBefore, let now):
            return "The certificate is valid only from \(notBefore) (now \(now), Unix seconds); check this machine's clock or wait."
        case .invalidValidityWindow(let notBefore, let notAfter):
            return "The validity window ends (\(notAfter)) at or before it starts (\(notBefore)); give an end after the start."
        case .agencyMismatch(let expected, let found):
            return "The object names agency \(found) but is signed with agency \(expected)'s root key; only \(found)'s root key may sign it."
        case .wrongAgencyKey(let keyOf, let needed):
            return "The key given is agency \(keyOf)'s root key, but this is for a device of agency \(needed); use \(needed)'s root key."
        case .keyReuse(let what):
            return "\(what) use one key for two purposes; generate separate keys for signing and TLS."
        case .certificateKeysMismatch(let ref):
            return "The certificate for \(ref) was issued for other keys than the ones this device holds; certify this device's own request."
        case .testKeyOutsideTestMode(let what):
            return "\(what) is a published test key from Keys/test/; it is not secret, so use real keys, or enable test mode for tests."
        }
    }
}
