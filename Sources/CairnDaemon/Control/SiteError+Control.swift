import CairnControl

/// How the control API answers a service's refusal or failure: the documented code (the
/// refusal's raw value) with its HTTP status.
extension SiteError {
    var control: (code: ControlErrorCode, message: String) {
        switch self {
        case .refused(let refusal, let message): return (refusal.controlCode, message)
        case .failed(let message): return (.internal, message)
        }
    }
}

extension Refusal {
    var controlCode: ControlErrorCode {
        switch self {
        case .badRequest: return .badRequest
        case .notFound: return .notFound
        case .unavailable: return .unavailable
        case .invalidRecord: return .invalidRecord
        case .unknownLevel: return .unknownLevel
        case .aboveClearance: return .aboveClearance
        case .classificationMismatch: return .classificationMismatch
        case .recordDeleted: return .recordDeleted
        case .recordNotFound: return .recordNotFound
        case .recordRetracted: return .recordRetracted
        case .recordAmbiguous: return .recordAmbiguous
        case .downgradeNotAllowed: return .downgradeNotAllowed
        case .invalidRevocation: return .invalidRevocation
        case .invalidCharter: return .invalidCharter
        case .conflict: return .conflict
        case .peerNotFound: return .peerNotFound
        case .bundleNotForUs: return .bundleNotForUs
        case .bundleForeignFederation: return .bundleForeignFederation
        case .bundleAlreadyImported: return .bundleAlreadyImported
        case .bundleInvalid: return .bundleInvalid
        case .deviceNotFound: return .deviceNotFound
        case .auditBreakNotFound: return .auditBreakNotFound
        case .auditBreakAcknowledged: return .auditBreakAcknowledged
        }
    }
}

/// The code and message a refused request is answered with: a service's refusal (`SiteError`)
/// or the control layer's own (`DaemonError.request`); nil for an unexpected error, which is
/// answered as `internal` and logged as a failure.
func controlRefusal(of error: any Error) -> (code: ControlErrorCode, message: String)? {
    switch error {
    case let error as SiteError: return error.control
    case DaemonError.request(let code, let message): return (code, message)
    default: return nil
    }
}
