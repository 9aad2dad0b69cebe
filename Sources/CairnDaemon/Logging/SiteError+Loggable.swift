import Logging

/// A refusal's message is for its caller and often quotes the request (a record id, a level
/// asked for, a field name): the log keeps the stable code only.
extension SiteError: LoggableError {
    var logCode: String {
        switch self {
        case .refused(let refusal, _): return "request.\(refusal.rawValue)"
        case .failed: return "request.internal"
        }
    }

    var logFields: Logger.Metadata { [:] }
}
