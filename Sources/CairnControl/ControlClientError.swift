/// Why a control-API call failed, in words that say what to do next.
///
/// The cases separate the three things a caller (and the CLI's exit code) cares about: the
/// daemon could not be reached at all, it answered and refused, or it answered with something
/// that is not the API.
public enum ControlClientError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing answered at `socket`; `reason` says whether the daemon seems not to run, or the
    /// caller may not connect, and what to try.
    case unreachable(socket: String, reason: String)
    /// The daemon connected but did not answer within the timeout.
    case timedOut(socket: String, seconds: Double)
    /// The daemon refused the request with this HTTP status and error document.
    case refused(status: Int, code: String, message: String)
    /// The daemon's answer was not a valid HTTP response or API document.
    case badResponse(String)
    /// `path` cannot be a Unix socket address (too long, empty, or containing a NUL byte).
    case invalidSocketPath(path: String, reason: String)
    /// The caller's input cannot form a request (a malformed field assignment, bad JSON); nothing was sent.
    case invalidRequest(String)

    /// A sentence for the person at the terminal.
    public var description: String {
        switch self {
        case .unreachable(let socket, let reason):
            return "cannot reach cairnd at \(socket): \(reason)"
        case .timedOut(let socket, let seconds):
            let shown = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
            return "cairnd at \(socket) did not answer within \(shown) s; it may be overloaded or stuck (see its log)"
        case .refused(_, _, let message):
            return message
        case .badResponse(let detail):
            return "cairnd sent an invalid response: \(detail)"
        case .invalidSocketPath(let path, let reason):
            return "invalid control socket path \"\(path)\": \(reason)"
        case .invalidRequest(let detail):
            return detail
        }
    }
}
