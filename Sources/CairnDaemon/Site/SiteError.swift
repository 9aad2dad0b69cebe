import CairnModel

/// Why a site's service did not do what it was asked, at the services' boundary. The control
/// API (Control/) turns it into its documented code and HTTP status; sync and bundles turn it
/// into their own refusals. The message is for the person who asked: it may quote the request,
/// so logs keep only the code (`SiteError+Loggable`).
enum SiteError: Error, Sendable, CustomStringConvertible {
    /// The request was refused: the site will not do it, for a stable reason.
    case refused(Refusal, String)
    /// The site could not do it (store unreadable, a key missing); its log says why.
    case failed(String)

    var description: String {
        switch self {
        case .refused(_, let message), .failed(let message): return message
        }
    }

    /// A record that breaks a rule of the model.
    static func invalid(_ message: String) -> SiteError { .refused(.invalidRecord, message) }

    /// Maps a model refusal onto a refusal of the site.
    static func from(_ error: ModelError) -> SiteError {
        switch error {
        case .recordDeleted: return .refused(.recordDeleted, "\(error)")
        default: return .refused(.invalidRecord, "\(error)")
        }
    }
}

/// The stable reasons a service refuses a request. Their raw values are the control API's
/// error codes (Docs/ControlAPI.md), which scripts match on: never rename one.
enum Refusal: String, Sendable, CaseIterable {
    /// A parameter of the request is out of its range or malformed.
    case badRequest = "bad_request"
    /// No such thing (an audit entry, a route's object) exists.
    case notFound = "not_found"
    /// The site cannot do it now (no key for the level yet, sync not running).
    case unavailable
    /// The record breaks a rule: bad id, type, field name, value, tag, or a size limit.
    case invalidRecord = "invalid_record"
    /// The classification names no level of the charter.
    case unknownLevel = "unknown_level"
    /// The classification is above the device's clearance.
    case aboveClearance = "above_clearance"
    /// The record exists at another level than the one asked for.
    case classificationMismatch = "classification_mismatch"
    /// The record is deleted and cannot be written.
    case recordDeleted = "record_deleted"
    /// No record has that id at a level this device holds.
    case recordNotFound = "record_not_found"
    /// The record was retracted: its id cannot be used again.
    case recordRetracted = "record_retracted"
    /// Records with that id are held at several levels and the request did not say which.
    case recordAmbiguous = "record_ambiguous"
    /// Lowering this record's classification is reserved by the charter.
    case downgradeNotAllowed = "downgrade_not_allowed"
    /// A revocation that does not verify against the charter.
    case invalidRevocation = "invalid_revocation"
    /// A charter that is not the next valid amendment of the one held.
    case invalidCharter = "invalid_charter"
    /// The request conflicts with the configuration file.
    case conflict
    /// No peer has that name, or it is not connected.
    case peerNotFound = "peer_not_found"
    /// The bundle was made for another device.
    case bundleNotForUs = "bundle_not_for_us"
    /// The bundle or vector file belongs to another federation.
    case bundleForeignFederation = "bundle_foreign_federation"
    /// The bundle was imported already.
    case bundleAlreadyImported = "bundle_already_imported"
    /// The bundle does not verify or decode.
    case bundleInvalid = "bundle_invalid"
    /// No device with that reference is known.
    case deviceNotFound = "device_not_found"
    /// No audit break has that sequence number.
    case auditBreakNotFound = "audit_break_not_found"
    /// The audit break was acknowledged already.
    case auditBreakAcknowledged = "audit_break_acknowledged"
}
