import CairnControl
import CairnModel

/// Why the daemon refused to start or refused a request. Each case says what happened and what
/// to do; `controlCode` maps it to the control API's stable error codes.
public enum DaemonError: Error, Sendable, CustomStringConvertible {
    case config(path: String, problems: [ConfigProblem])
    /// The state directory (or a key file) is readable or writable by others.
    case insecurePermissions(path: String, mode: UInt32, expected: String)
    case startup(String)
    case socketInUse(path: String)
    case socket(path: String, reason: String)
    case request(ControlErrorCode, String)

    public var description: String {
        switch self {
        case .config(let path, let problems):
            return "configuration \(path) has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        case .insecurePermissions(let path, let mode, let expected):
            return "\(path) has mode \(String(mode, radix: 8)); it must be \(expected) (chmod it, then start again)"
        case .startup(let message):
            return message
        case .socketInUse(let path):
            return "another cairnd is already serving \(path); stop it first (or configure another control.socket)"
        case .socket(let path, let reason):
            return "cannot listen on \(path): \(reason)"
        case .request(_, let message):
            return message
        }
    }

    static func invalid(_ message: String) -> DaemonError { .request(.invalidRecord, message) }
}

extension DaemonError {
    /// Maps a model refusal onto the control API's codes.
    static func from(_ error: ModelError) -> DaemonError {
        switch error {
        case .recordDeleted: return .request(.recordDeleted, "\(error)")
        default: return .request(.invalidRecord, "\(error)")
        }
    }
}
