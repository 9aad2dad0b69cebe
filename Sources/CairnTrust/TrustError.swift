/// The one error type of `CairnTrust`: every way a trust object, a key file or a key ceremony
/// can be refused.
///
/// Each case says what was wrong; `description` also says what to do about it, because these
/// errors reach operators running a key ceremony or starting a daemon. Strings that came from
/// an untrusted file are sanitised (`Display.clean`) before they are stored here.
public enum TrustError: Error, Equatable, Sendable {
    // MARK: Files and encodings

    /// An armored text file is not `-----BEGIN CAIRN <KIND>-----` / base64 / `-----END ...`.
    case malformedArmor(reason: String)
    /// A file, armor block or protobuf is larger than the limit for its kind.
    case tooLarge(what: String, size: Int, limit: Int)
    /// Bytes that should hold a protobuf message (or a field of one) could not be decoded.
    case malformedObject(what: String, reason: String)
    /// A key file is not in the expected binary layout.
    case malformedKeyFile(reason: String)
    /// An object or armor block of one kind was given where another kind was expected.
    case wrongKind(expected: String, found: String)
    /// A file could not be read or written.
    case fileError(path: String, operation: String, reason: String)
    /// A key or object file already exists; key files are never overwritten.
    case fileExists(path: String)
    /// A secret-key file can be read by group or others.
    case keyFilePermissions(path: String, mode: UInt32)
    /// A key file is sealed with a passphrase and none was given.
    case passphraseRequired
    /// A sealed key file did not open: the passphrase is wrong or the file was altered.
    case wrongPassphrase
    /// Argon2id could not run with the file's cost parameters.
    case keyDerivationFailed
    /// A key, id, serial or signature has the wrong number of bytes.
    case invalidLength(what: String, expected: Int, actual: Int)

    // MARK: Signatures

    /// A signature by `signer` does not verify over this object's kind and body.
    case badSignature(signer: String)
    /// The signer of a certificate or revocation is not an agency of the charter.
    case unknownSigner(String)
    /// A signature names an agency but carries a key other than that agency's root key.
    case signerKeyMismatch(agency: String)
    /// Two signatures on one object name the same signer.
    case duplicateSignature(signer: String)
    /// Fewer distinct member agencies signed than the threshold requires. `ignored` lists
    /// signers that were not counted because they are not members of the governing charter.
    case insufficientSignatures(have: Int, need: Int, ignored: [String])
    /// An object that takes exactly one signature carries another number.
    case unexpectedSignatureCount(expected: Int, found: Int)
    /// A self-signed request names a signer other than the device it describes.
    case signerMismatch(signer: String, expected: String)

    // MARK: Charter contents

    /// The amendment threshold is not between 1 and the number of agencies.
    case thresholdOutOfRange(threshold: Int, agencies: Int)
    /// The charter declares no classification level.
    case noLevels
    /// A level name is not 1 to 32 characters among A-Z, 0-9 and _.
    case invalidLevelName(String)
    /// A level is listed twice.
    case duplicateLevel(String)
    /// An agency is listed twice.
    case duplicateAgency(String)
    /// Two agencies share one root key (it would count twice towards the threshold).
    case duplicateAgencyKey(first: String, second: String)
    /// An agency name is not `[a-z0-9][a-z0-9-]{0,31}`.
    case invalidAgencyName(String)
    /// A device name is not `[a-z0-9][a-z0-9-]{0,31}`.
    case invalidDeviceName(String)
    /// A device reference is not `agency/device`.
    case invalidDeviceRef(String)
    /// A federation name is empty, too long or holds control characters.
    case invalidFederationName(String)
    /// An agency's ceiling is not one of the charter's levels.
    case ceilingNotALevel(agency: String, ceiling: String)
    /// A charter has version 0; versions start at 1.
    case invalidVersion
    /// A charter offered as the genesis has a version other than 1.
    case notGenesis(version: UInt64)
    /// The genesis charter is not the one the configuration pins.
    case fingerprintMismatch(expected: String, found: String)
    /// A charter chain holds no charter.
    case emptyChain

    // MARK: Charter sequence

    /// An object belongs to another federation.
    case federationMismatch(expected: String, found: String)
    /// The offered charter version is not newer than the one held.
    case rollback(offered: UInt64, held: UInt64)
    /// The offered charter skips versions: only `current + 1` may follow `current`.
    case versionGap(current: UInt64, offered: UInt64)
    /// A validly signed charter differs from the one held with the same version: a fork.
    case conflictingCharter(version: UInt64)

    // MARK: Certificates and revocations

    /// An agency is not a member of the charter.
    case agencyNotInCharter(String)
    /// A clearance names a level the charter does not declare.
    case unknownLevel(String)
    /// A clearance is above the agency's ceiling.
    case clearanceAboveCeiling(clearance: String, ceiling: String, agency: String)
    /// The certificate's validity ended at `notAfter`.
    case certificateExpired(notAfter: Int64, now: Int64)
    /// The certificate's validity starts at `notBefore`, after `now`.
    case certificateNotYetValid(notBefore: Int64, now: Int64)
    /// A validity window ends at or before it starts.
    case invalidValidityWindow(notBefore: Int64, notAfter: Int64)
    /// A signed object names one agency but is signed by another's root key (`expected` is the
    /// signer, `found` what the body names).
    case agencyMismatch(expected: String, found: String)
    /// An agency root key was given to sign something of another agency (certifying its
    /// device's request, revoking its device): `keyOf` owns the key, `needed` is the agency
    /// whose key would do.
    case wrongAgencyKey(keyOf: String, needed: String)
    /// A device's signing and TLS keys are the same key; each key has one purpose.
    case keyReuse(String)
    /// A certificate was issued for other keys than the ones this device holds.
    case certificateKeysMismatch(ref: String)
    /// A key from `Keys/test/` (public, known to everyone) was used outside test mode.
    case testKeyOutsideTestMode(what: String)
}
