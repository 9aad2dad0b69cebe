import CairnControl

/// A failure of the CLI itself, with the exit code it stands for.
///
/// Exit codes are part of the interface scripts rely on: 1 the daemon refused or the command
/// failed, 2 the command line was wrong, 3 the daemon could not be reached.
struct CLIError: Error, CustomStringConvertible {
    /// The process exit code.
    let exitCode: Int32
    /// The message printed after `cairn: `.
    let description: String

    /// The command line cannot be carried out as written (exit 2).
    static func usage(_ message: String) -> CLIError { CLIError(exitCode: 2, description: message) }

    /// The command failed (exit 1).
    static func failure(_ message: String) -> CLIError { CLIError(exitCode: 1, description: message) }

    /// The exit code and message for a control-client error.
    init(_ error: ControlClientError) {
        switch error {
        case .refused, .badResponse:
            self.init(exitCode: 1, description: error.description)
        case .unreachable, .timedOut:
            self.init(exitCode: 3, description: error.description)
        case .invalidSocketPath, .invalidRequest:
            self.init(exitCode: 2, description: error.description)
        }
    }

    private init(exitCode: Int32, description: String) {
        self.exitCode = exitCode
        self.description = description
    }
}
