import CairnTrust
import Logging

/// Trust refusals quote names read from untrusted files (agencies, devices, signers): the log
/// keeps the code and the numbers an admin needs to tell a rollback from a missing signature.
extension TrustError: LoggableError {
    var logCode: String {
        switch self {
        case .malformedArmor: return "trust.malformed_armor"
        case .tooLarge: return "trust.too_large"
        case .malformedObject: return "trust.malformed_object"
        case .malformedKeyFile: return "trust.malformed_key_file"
        case .wrongKind: return "trust.wrong_kind"
        case .fileError: return "trust.file_error"
        case .fileExists: return "trust.file_exists"
        case .keyFilePermissions: return "trust.key_file_permissions"
        case .passphraseRequired: return "trust.passphrase_required"
        case .wrongPassphrase: return "trust.wrong_passphrase"
        case .keyDerivationFailed: return "trust.key_derivation_failed"
        case .invalidLength: return "trust.invalid_length"
        case .badSignature: return "trust.bad_signature"
        case .unknownSigner: return "trust.unknown_signer"
        case .signerKeyMismatch: return "trust.signer_key_mismatch"
        case .duplicateSignature: return "trust.duplicate_signature"
        case .insufficientSignatures: return "trust.insufficient_signatures"
        case .unexpectedSignatureCount: return "trust.unexpected_signature_count"
        case .signerMismatch: return "trust.signer_mismatch"
        case .thresholdOutOfRange: return "trust.threshold_out_of_range"
        case .noLevels: return "trust.no_levels"
        case .invalidLevelName: return "trust.invalid_level_name"
        case .duplicateLevel: return "trust.duplicate_level"
        case .duplicateAgency: return "trust.duplicate_agency"
        case .duplicateAgencyKey: return "trust.duplicate_agency_key"
        case .invalidAgencyName: return "trust.invalid_agency_name"
        case .invalidDeviceName: return "trust.invalid_device_name"
        case .invalidDeviceRef: return "trust.invalid_device_ref"
        case .invalidFederationName: return "trust.invalid_federation_name"
        case .ceilingNotALevel: return "trust.ceiling_not_a_level"
        case .invalidVersion: return "trust.invalid_version"
        case .notGenesis: return "trust.not_genesis"
        case .fingerprintMismatch: return "trust.fingerprint_mismatch"
        case .emptyChain: return "trust.empty_chain"
        case .federationMismatch: return "trust.federation_mismatch"
        case .rollback: return "trust.rollback"
        case .versionGap: return "trust.version_gap"
        case .conflictingCharter: return "trust.conflicting_charter"
        case .agencyNotInCharter: return "trust.agency_not_in_charter"
        case .unknownLevel: return "trust.unknown_level"
        case .clearanceAboveCeiling: return "trust.clearance_above_ceiling"
        case .certificateExpired: return "trust.certificate_expired"
        case .certificateNotYetValid: return "trust.certificate_not_yet_valid"
        case .invalidValidityWindow: return "trust.invalid_validity_window"
        case .agencyMismatch: return "trust.agency_mismatch"
        case .wrongAgencyKey: return "trust.wrong_agency_key"
        case .keyReuse: return "trust.key_reuse"
        case .certificateKeysMismatch: return "trust.certificate_keys_mismatch"
        case .testKeyOutsideTestMode: return "trust.test_key_outside_test_mode"
        }
    }

    var logFields: Logger.Metadata {
        switch self {
        case .tooLarge(let what, let size, let limit):
            return ["error.what": "\(what)", "error.bytes": "\(size)", "error.limit": "\(limit)"]
        case .invalidLength(let what, let expected, let actual):
            return ["error.what": "\(what)", "error.expected": "\(expected)", "error.bytes": "\(actual)"]
        // Paths of the site's own key and trust files, given in its configuration.
        case .fileError(let path, _, _), .fileExists(let path): return ["error.path": "\(path)"]
        case .keyFilePermissions(let path, let mode):
            return ["error.path": "\(path)", "error.mode": "\(String(mode, radix: 8))"]
        case .insufficientSignatures(let have, let need, _): return ["error.have": "\(have)", "error.need": "\(need)"]
        case .unexpectedSignatureCount(let expected, let found):
            return ["error.expected": "\(expected)", "error.found": "\(found)"]
        case .thresholdOutOfRange(let threshold, let agencies):
            return ["error.threshold": "\(threshold)", "error.agencies": "\(agencies)"]
        case .notGenesis(let version), .conflictingCharter(let version): return ["error.version": "\(version)"]
        case .rollback(let offered, let held): return ["error.offered": "\(offered)", "error.held": "\(held)"]
        case .versionGap(let current, let offered): return ["error.held": "\(current)", "error.offered": "\(offered)"]
        case .certificateExpired(let notAfter, let now):
            return ["error.not_after": "\(notAfter)", "error.now": "\(now)"]
        case .certificateNotYetValid(let notBefore, let now):
            return ["error.not_before": "\(notBefore)", "error.now": "\(now)"]
        default: return [:]
        }
    }
}
