import CairnControl
import Logging

/// A refused request's message is for its caller and often quotes the request (a record id, a
/// level asked for, a field name): the log keeps the control API's stable code only.
extension DaemonError: LoggableError {
    var logCode: String {
        switch self {
        case .config: return "daemon.config"
        case .insecurePermissions: return "daemon.insecure_permissions"
        case .startup: return "daemon.startup"
        case .socketInUse: return "daemon.socket_in_use"
        case .socket: return "daemon.socket"
        case .request(let code, _): return "request.\(code.rawValue)"
        }
    }

    var logFields: Logger.Metadata {
        switch self {
        case .config(let path, let problems): return ["error.path": "\(path)", "error.problems": "\(problems.count)"]
        case .insecurePermissions(let path, let mode, _):
            return ["error.path": "\(path)", "error.mode": "\(String(mode, radix: 8))"]
        case .socketInUse(let path), .socket(let path, _): return ["error.path": "\(path)"]
        case .startup, .request: return [:]
        }
    }
}
