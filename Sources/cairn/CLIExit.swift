import ArgumentParser
import CairnControl

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CairnCommand {
    /// Parses the command line, runs the command, and exits with the CLI's exit codes.
    ///
    /// ArgumentParser exits 64 (EX_USAGE) on a usage error; cairn's interface promises 2, the
    /// convention of most Unix tools, so errors are mapped here rather than by `main()`.
    static func runAndExit() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            exit(0)
        } catch let error as CLIError {
            Output.error(error.description)
            exit(error.exitCode)
        } catch let error as ControlClientError {
            let mapped = CLIError(error)
            Output.error(mapped.description)
            exit(mapped.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                Output.standardError(fullMessage(for: error))
                exit(2)
            }
            exit(withError: error)
        }
    }
}
