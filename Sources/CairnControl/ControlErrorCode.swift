/// A stable error code of the control API and the HTTP status that carries it.
///
/// The set is open (a newer daemon may add codes, and an older CLI must still show them), so
/// this is a struct wrapping the code string with the contract's codes as static members.
public struct ControlErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The snake_case code string.
    public let rawValue: String
    /// The HTTP status the daemon answers with.
    public let httpStatus: Int

    /// Creates a code; prefer the static members.
    public init(_ rawValue: String, httpStatus: Int) {
        self.rawValue = rawValue
        self.httpStatus = httpStatus
    }

    /// The code string.
    public var description: String { rawValue }

    /// The request is malformed (bad query parameter, missing body).
    public static let badRequest = ControlErrorCode("bad_request", httpStatus: 400)
    /// The body is not JSON of the expected shape, or has an unknown key.
    public static let invalidJSON = ControlErrorCode("invalid_json", httpStatus: 400)
    /// The record breaks a rule: bad id, type, field name, value, tag, or a size limit.
    public static let invalidRecord = ControlErrorCode("invalid_record", httpStatus: 422)
    /// The classification names no level of the charter.
    public static let unknownLevel = ControlErrorCode("unknown_level", httpStatus: 422)
    /// The classification is above the device's clearance.
    public static let aboveClearance = ControlErrorCode("above_clearance", httpStatus: 403)
    /// The existing record has another level (reclassification is a later feature).
    public static let classificationMismatch = ControlErrorCode("classification_mismatch", httpStatus: 409)
    /// The record is deleted and cannot be written.
    public static let recordDeleted = ControlErrorCode("record_deleted", httpStatus: 409)
    /// No record has that id (at a level the device can see).
    public static let recordNotFound = ControlErrorCode("record_not_found", httpStatus: 404)
    /// The caller lacks the read or write right.
    public static let forbidden = ControlErrorCode("forbidden", httpStatus: 403)
    /// The request body exceeds 2 MiB.
    public static let payloadTooLarge = ControlErrorCode("payload_too_large", httpStatus: 413)
    /// No route has that path.
    public static let notFound = ControlErrorCode("not_found", httpStatus: 404)
    /// The route exists but not with that method.
    public static let methodNotAllowed = ControlErrorCode("method_not_allowed", httpStatus: 405)
    /// The daemon failed; its log says why.
    public static let `internal` = ControlErrorCode("internal", httpStatus: 500)
    /// The daemon cannot serve the request now (starting, stopping, store unavailable).
    public static let unavailable = ControlErrorCode("unavailable", httpStatus: 503)

    /// The request conflicts with the configuration (a peer set in the configuration file).
    public static let conflict = ControlErrorCode("conflict", httpStatus: 409)
    /// No peer has that name, or it is not connected.
    public static let peerNotFound = ControlErrorCode("peer_not_found", httpStatus: 404)

    /// A revocation that does not verify against the charter (wrong signer, other federation,
    /// malformed).
    public static let invalidRevocation = ControlErrorCode("invalid_revocation", httpStatus: 422)
    /// A charter that is not the next valid amendment of the one held.
    public static let invalidCharter = ControlErrorCode("invalid_charter", httpStatus: 422)

    /// Lowering a record's classification is reserved by the charter (by default to the
    /// agency that created the record).
    public static let downgradeNotAllowed = ControlErrorCode("downgrade_not_allowed", httpStatus: 403)
    /// The record was retracted: it is gone everywhere and its id cannot be used again.
    public static let recordRetracted = ControlErrorCode("record_retracted", httpStatus: 410)

    /// The site holds records with this id at more than one level and the request did not say
    /// which (`?class=` on the route, or `from` when reclassifying).
    public static let recordAmbiguous = ControlErrorCode("record_ambiguous", httpStatus: 409)

    /// Every code the contract defines (the bundle routes' codes are in `bundleCodes`).
    public static let all: [ControlErrorCode] = [
        .badRequest, .invalidJSON, .invalidRecord, .unknownLevel, .aboveClearance, .classificationMismatch,
        .recordDeleted, .recordNotFound, .forbidden, .payloadTooLarge, .notFound, .methodNotAllowed,
        .internal, .unavailable, .conflict, .peerNotFound, .downgradeNotAllowed, .recordRetracted, .invalidRevocation, .invalidCharter,
        .recordAmbiguous,
    ]
}
